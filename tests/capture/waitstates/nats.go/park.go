// Package nats sits in a directory whose name holds a dot, like the
// nats.go client: the runtime prints its functions as
// "goleakcheck.test/waitstates/nats%2ego.Park".
package nats

// Park blocks on a receive from ch until it is closed.
func Park(ch chan struct{}) {
	<-ch // park:escaped-package
}
