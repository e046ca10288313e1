package main

import (
	"context"
	"runtime/pprof"
)

// labelledPattern: the timeout leak again, started inside pprof.Do, as
// tracing libraries and frameworks do for every request. The leaked
// goroutine inherits the labels; Go 1.27 prints them in its header (for a
// module that declares go 1.27), and a reader that does not understand
// that form would drop the record and call the leak clean.
// Fix: buffer the channel, so the send never waits.
func labelledPattern(fixed bool) {
	labels := pprof.Labels("scenario", "labelled", "route", "/labelled", "tenant", "ACME Corp")
	pprof.Do(context.Background(), labels, func(ctx context.Context) {
		capacity := 0
		if fixed {
			capacity = 1
		}
		result := make(chan string, capacity)
		go func() {
			result <- "nobody reads this" // leak:labelled
		}()
	})
}
