package main

import (
	"context"
	"time"
)

// timeoutPattern: a worker reports on an unbuffered channel while the caller
// selects on that channel and a context deadline (LeakProf's "timeout leak",
// seed 001's leakOfMemory). When the deadline wins, nobody ever receives and
// the worker blocks on its send forever.
// Fix: give the channel room for the one result.
func timeoutPattern(fixed bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Millisecond)
	defer cancel()

	capacity := 0
	if fixed {
		capacity = 1
	}
	result := make(chan string, capacity)
	go func() {
		time.Sleep(30 * time.Millisecond) // slower than the deadline
		result <- "slow answer"           // leak:timeout
	}()

	select {
	case <-result:
	case <-ctx.Done():
	}
}
