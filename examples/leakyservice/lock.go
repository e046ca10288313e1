package main

import "sync"

type cache struct {
	mu      sync.Mutex
	entries map[string]string
}

// refresh takes the lock to replace the cache's entries.
func (c *cache) refresh() {
	c.mu.Lock() // leak:lock
	defer c.mu.Unlock()
	c.entries = map[string]string{}
}

// lockPattern: an error path returns while still holding a lock (seed 004's
// processTraces, 1,875 goroutines parked in sync.(*Mutex).Lock); the
// background refresh then waits for the lock forever.
// Fix: release the lock with defer, on every path.
func lockPattern(fixed bool) {
	c := &cache{}
	c.mu.Lock()
	if fixed {
		defer c.mu.Unlock()
	}
	go c.refresh()
	if err := validate(); err != nil {
		return // without the fix, the lock is never released
	}
	c.mu.Unlock()
}
