//go:build go1.25

package main

import (
	"testing"
	"testing/synctest"
)

func TestBubble(t *testing.T) {
	synctest.Test(t, func(t *testing.T) { captureBubble(t) })
}
