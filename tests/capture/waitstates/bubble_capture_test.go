//go:build go1.25 || goexperiment.synctest

package main

import (
	"os"
	"runtime"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// captureBubble parks goroutines durably inside a synctest bubble, waits
// until all are, and writes every goroutine's stack to $CAPTURE_OUT from
// inside the bubble; then it lets them go so the bubble ends cleanly.
func captureBubble(t *testing.T) {
	release := make(chan struct{})
	var mu sync.Mutex
	cond := sync.NewCond(&mu)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { <-release }() // park:bubble-receive
	go func() {
		select {
		case <-release:
		}
	}() // park:bubble-select
	go func() { mu.Lock(); cond.Wait(); mu.Unlock() }() // park:bubble-cond
	go func() { wg.Wait() }()                           // park:bubble-waitgroup
	go func() { time.Sleep(time.Hour) }()               // park:bubble-sleep
	synctest.Wait()

	buf := make([]byte, 1<<20)
	if err := os.WriteFile(os.Getenv("CAPTURE_OUT"), buf[:runtime.Stack(buf, true)], 0o644); err != nil {
		t.Fatal(err)
	}
	close(release)
	mu.Lock()
	cond.Broadcast()
	mu.Unlock()
	wg.Done()
	time.Sleep(time.Hour) // inside the bubble: fake time, returns at once
}
