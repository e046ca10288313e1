package main

import (
	"net/http"
	"strconv"
	"time"
)

// linger starts ?n= goroutines (default 10) that finish ?ms= milliseconds
// (default 300) after the request: work a request hands off and that ends
// on its own, which a check must wait for, and no longer.
func linger(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(r.URL.Query().Get("n"))
	if err != nil || n < 0 {
		n = 10
	}
	ms, err := strconv.Atoi(r.URL.Query().Get("ms"))
	if err != nil || ms < 0 {
		ms = 300
	}
	for i := 0; i < n; i++ {
		go func() { time.Sleep(time.Duration(ms) * time.Millisecond) }()
	}
	_, _ = w.Write([]byte("ok linger\n"))
}

// lateBlock starts a goroutine that works (runs) for ?ms= milliseconds
// (default 250), then blocks for ever on a channel of its own: a leak that
// only parks late, long after the request.
func lateBlock(w http.ResponseWriter, r *http.Request) {
	ms, err := strconv.Atoi(r.URL.Query().Get("ms"))
	if err != nil || ms < 0 {
		ms = 250
	}
	go func() {
		for until := time.Now().Add(time.Duration(ms) * time.Millisecond); time.Now().Before(until); {
		}
		<-make(chan struct{}) // leak:late-block
	}()
	_, _ = w.Write([]byte("ok late-block\n"))
}

// giveUp starts a goroutine that waits for an answer nobody sends and gives
// up after ?ms= milliseconds (default 300): blocked in a select, not asleep,
// and still ending on its own, which a check must wait for.
func giveUp(w http.ResponseWriter, r *http.Request) {
	ms, err := strconv.Atoi(r.URL.Query().Get("ms"))
	if err != nil || ms < 0 {
		ms = 300
	}
	go func() {
		select {
		case <-make(chan struct{}):
		case <-time.After(time.Duration(ms) * time.Millisecond):
		}
	}()
	_, _ = w.Write([]byte("ok give-up\n"))
}
