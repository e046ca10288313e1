package main

import "sync"

// waitGroupPattern: a fan-out where one worker's error path skips wg.Done
// (seed 004's samplingPolicyOnTickPerShards, parked in WaitGroup.Wait for
// 892 minutes); the goroutine that waits for all of them never wakes.
// Fix: defer wg.Done() as the first statement of every worker.
func waitGroupPattern(fixed bool) {
	var wg sync.WaitGroup
	shards := []string{"a", "b", "bad"}
	for _, shard := range shards {
		wg.Add(1)
		go func(shard string) {
			if fixed {
				defer wg.Done()
			}
			if shard == "bad" {
				return // without the fix, this path never calls Done
			}
			if !fixed {
				wg.Done()
			}
		}(shard)
	}
	go func() {
		wg.Wait() // leak:waitgroup
	}()
}
