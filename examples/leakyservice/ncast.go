package main

// ncastPattern: N senders, one receive (LeakProf's "NCast", seed 003's
// JumpForSignal). The caller takes the first answer and returns; the other
// senders block on the unbuffered channel forever.
// Fix: a buffer with room for every sender.
const ncastSenders = 3

func ncastPattern(fixed bool) {
	capacity := 0
	if fixed {
		capacity = ncastSenders
	}
	answers := make(chan int, capacity)
	for i := 0; i < ncastSenders; i++ {
		go func(replica int) {
			answers <- replica // leak:ncast
		}(i)
	}
	<-answers
}
