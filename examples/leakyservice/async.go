package main

// droppedOutcomePattern: an SDK method starts the work asynchronously and
// returns an unbuffered outcome channel; the caller never reads it (seed 000,
// the speech SDK's StartContinuousRecognitionAsync, 258,979 goroutines parked
// in production).
// Fix: the caller waits for the outcome.
func droppedOutcomePattern(fixed bool) {
	recognizer := speechRecognizer{}
	outcome := recognizer.StartContinuousRecognitionAsync()
	if fixed {
		<-outcome
	}
}

type speechRecognizer struct{}

// StartContinuousRecognitionAsync mirrors the SDK's shape: the goroutine
// sends its result on a channel nobody is obliged to read.
func (recognizer speechRecognizer) StartContinuousRecognitionAsync() chan error {
	outcome := make(chan error)
	go func() {
		outcome <- nil // leak:async
	}()
	return outcome
}
