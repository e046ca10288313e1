package main

import (
	"net/http"
	"sync"
	"time"
)

var refresherOnce sync.Once

// startRefresher starts, on the first request only, a worker that wakes
// every 5 s to refresh something, as certmagic's lock refresher does: it
// outlives any settle time, but it is one per process, not one per request.
func startRefresher(w http.ResponseWriter, r *http.Request) {
	refresherOnce.Do(func() { go refreshLoop(5 * time.Second) })
	_, _ = w.Write([]byte("ok refresher\n"))
}

func refreshLoop(every time.Duration) {
	for {
		time.Sleep(every)
	}
}
