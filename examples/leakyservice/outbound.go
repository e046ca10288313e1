package main

import (
	"fmt"
	"io"
	"net/http"
)

// sharedClient keeps its connections alive between calls, as every
// long-lived service's client should.
var sharedClient = &http.Client{}

// outboundCall calls another service (here: our own /healthz) through a
// client. With the shared client, the kept-alive connection's goroutines
// (the client's read and write loops, the server's wait for the next
// request) stay after the call: idle connections, not leaks. With
// ?transport=new, every call makes a new Transport whose idle connection is
// never reused or closed: those goroutines grow with every request.
func outboundCall(w http.ResponseWriter, r *http.Request) {
	client := sharedClient
	if r.URL.Query().Get("transport") == "new" {
		client = &http.Client{Transport: &http.Transport{}}
	}
	response, err := client.Get(fmt.Sprintf("http://%s/healthz", r.Host))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer response.Body.Close()
	_, _ = io.Copy(io.Discard, response.Body)
	fmt.Fprintln(w, "ok outbound")
}
