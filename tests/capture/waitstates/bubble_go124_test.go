//go:build goexperiment.synctest && !go1.25

package main

import (
	"testing"
	"testing/synctest"
)

// Go 1.24 has bubbles only under GOEXPERIMENT=synctest, through Run.
func TestBubble(t *testing.T) {
	synctest.Run(func() { captureBubble(t) })
}
