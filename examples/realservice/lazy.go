package main

import (
	"fmt"
	"net/http"
	"sync"
)

// sharedClient is created on first use, as a gRPC ClientConn or a nats.go
// reply subscription is: its goroutines start during the first request that
// needs it, and then serve every later one.
type sharedClient struct {
	requests chan chan string
}

var (
	clientOnce sync.Once
	client     *sharedClient
)

const clientWorkers = 4

func getClient() *sharedClient {
	clientOnce.Do(func() {
		client = &sharedClient{requests: make(chan chan string)}
		for i := 0; i < clientWorkers; i++ {
			go client.work(i)
		}
	})
	return client
}

func (c *sharedClient) work(worker int) {
	for reply := range c.requests {
		reply <- fmt.Sprintf("worker %d", worker)
	}
}

func (c *sharedClient) call() string {
	reply := make(chan string, 1)
	c.requests <- reply
	return <-reply
}

func lazyClientCall(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintf(w, "ok lazy-client (%s)\n", getClient().call())
}
