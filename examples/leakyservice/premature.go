package main

import "errors"

var errInvalidRequest = errors.New("invalid request")

// prematureReturnPattern: the caller starts a worker that reports on an
// unbuffered channel, then returns on an early path before it receives
// (LeakProf's "premature function return").
// Fix: a buffer of one, so the worker's send never waits for a receiver.
func prematureReturnPattern(fixed bool) {
	capacity := 0
	if fixed {
		capacity = 1
	}
	errc := make(chan error, capacity)
	go func() {
		errc <- lookUpAccount() // leak:premature
	}()
	if err := validate(); err != nil {
		return // the early path: nobody receives from errc
	}
	<-errc
}

func lookUpAccount() error { return nil }

func validate() error { return errInvalidRequest }
