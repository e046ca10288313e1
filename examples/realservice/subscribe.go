package main

import (
	"net/http"

	"example.com/pubsub"
)

// publishPerCall connects a client per request and never closes it, as a
// gRPC ClientConn or a nats.Connect per request does: the library's
// goroutines (its flusher and read loop) stay, one set per request. With
// ?fixed=1 it closes the connection when done.
func publishPerCall(w http.ResponseWriter, r *http.Request) {
	conn := pubsub.Connect() // leak:client-per-call
	if r.URL.Query().Get("fixed") == "1" {
		defer conn.Close()
	}
	_, _ = w.Write([]byte("ok " + conn.Publish("hello") + "\n"))
}
