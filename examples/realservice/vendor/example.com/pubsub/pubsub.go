// Package pubsub is a tiny client library, vendored into realservice to
// stand for a third-party one (nats.go, a gRPC client): Connect starts its
// goroutines, and only Close stops them. As nats.go does, the first
// Request on a connection also starts the subscription its replies come
// through, which then serves every later Request.
package pubsub

import "sync"

// Conn is one connection, with a read loop and a flusher of its own.
type Conn struct {
	outgoing chan string
	acks     chan string
	done     chan struct{}

	respOnce  sync.Once
	responses chan chan string
}

// Connect starts the connection's goroutines.
func Connect() *Conn {
	c := &Conn{outgoing: make(chan string), acks: make(chan string, 1), done: make(chan struct{})}
	go c.flusher()
	go c.readLoop()
	return c
}

// Publish hands msg to the flusher and waits for its acknowledgement.
func (c *Conn) Publish(msg string) string {
	c.outgoing <- msg
	return <-c.acks
}

// Close stops the connection's goroutines.
func (c *Conn) Close() { close(c.done) }

func (c *Conn) flusher() {
	for {
		select {
		case <-c.done:
			return
		case msg := <-c.outgoing:
			c.acks <- "ack " + msg
		}
	}
}

func (c *Conn) readLoop() {
	<-c.done
}

// Request sends msg and waits for its reply, through the connection's
// reply subscription, made by the first Request.
func (c *Conn) Request(msg string) string {
	c.respOnce.Do(func() {
		c.responses = make(chan chan string)
		go c.respMux()
	})
	reply := make(chan string, 1)
	c.responses <- reply
	return <-reply + " " + msg
}

func (c *Conn) respMux() {
	for {
		select {
		case <-c.done:
			return
		case reply := <-c.responses:
			reply <- "reply to"
		}
	}
}
