package main

import (
	"net/http"
	"sync/atomic"
	"time"
)

var (
	started     atomic.Bool
	serverStops = make(chan struct{}) // never closed: the workers live as long as the process
)

// startUp starts n long-lived workers spread over `spread`, after the
// listener already answers: a baseline taken as soon as pprof answers sees
// only some of them.
func startUp(n int, spread time.Duration) {
	for i := 0; i < n; i++ {
		if i > 0 {
			time.Sleep(spread / time.Duration(n))
		}
		go acceptLoop()
	}
	started.Store(true)
}

// acceptLoop stands for a server's background loop (nats-server's
// acceptConnections, delayedAPIResponder).
func acceptLoop() {
	<-serverStops
}

// health answers 503 until start-up is done, when asked to wait for it.
func health(waitForStartup bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if waitForStartup && !started.Load() {
			http.Error(w, "starting", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ok\n"))
	}
}

// tickWorkers starts a worker on every tick that sleeps for 2.5 ticks: two
// or three are always alive, never the same ones for long.
func tickWorkers(period time.Duration) {
	for range time.Tick(period) {
		go func() { time.Sleep(period * 5 / 2) }()
	}
}
