package main

import (
	"fmt"
	"io"
	"net/http"
)

// h2Client speaks unencrypted HTTP/2 (prior knowledge) and is shared, so
// that its connection to us stays open, idle, between requests: a client
// connection's read loop here, and the server's h2c connection on our side.
var h2Client = &http.Client{Transport: newH2Transport()}

func newH2Transport() *http.Transport {
	transport := &http.Transport{Protocols: new(http.Protocols)}
	transport.Protocols.SetUnencryptedHTTP2(true)
	return transport
}

// h2Call calls our own /h2/echo over HTTP/2.
func h2Call(w http.ResponseWriter, r *http.Request) {
	response, err := h2Client.Get(fmt.Sprintf("http://%s/h2/echo", r.Host))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer response.Body.Close()
	body, _ := io.ReadAll(response.Body)
	fmt.Fprintf(w, "ok h2 (%s: %s)\n", response.Proto, body)
}

func h2Echo(w http.ResponseWriter, r *http.Request) {
	_, _ = io.WriteString(w, r.Proto)
}
