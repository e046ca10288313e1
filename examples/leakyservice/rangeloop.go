package main

import "sync"

// rangePattern: a consumer ranges over a channel that is never closed
// (LeakProf's "channel iteration misuse"). Once the producers are done the
// consumer waits for the next item forever.
// Fix: close the channel once every producer has sent.
func rangePattern(fixed bool) {
	jobs := make(chan int, 1)
	var sent, consumed sync.WaitGroup
	for i := 0; i < 4; i++ {
		sent.Add(1)
		consumed.Add(1)
		go func(job int) {
			defer sent.Done()
			jobs <- job
		}(i)
	}
	go func() {
		for range jobs { // leak:range
			consumed.Done()
		}
	}()
	sent.Wait()
	consumed.Wait()
	if fixed {
		close(jobs)
	}
}
