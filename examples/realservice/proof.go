package main

import (
	"net/http"
	"sync"
)

// provenLeak blocks a goroutine on a channel that nothing else can reach
// once the handler returns: the garbage collector can prove it never wakes
// (Go 1.27's goroutineleak profile, or 1.26 with
// GOEXPERIMENT=goroutineleakprofile).
func provenLeak(w http.ResponseWriter, r *http.Request) {
	results := make(chan int)
	go func() {
		results <- compute() // nobody receives: blocked forever
	}()
	_, _ = w.Write([]byte("ok proven-leak\n"))
}

// globalLeak blocks a goroutine on a channel that a global still holds: it
// is as stuck, but the runtime cannot prove it, since the channel stays
// reachable.
var (
	pendingMu sync.Mutex
	pending   []chan int
)

func globalLeak(w http.ResponseWriter, r *http.Request) {
	results := make(chan int)
	pendingMu.Lock()
	pending = append(pending, results)
	pendingMu.Unlock()
	go func() {
		results <- compute()
	}()
	_, _ = w.Write([]byte("ok global-leak\n"))
}

func compute() int { return 42 }
