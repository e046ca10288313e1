// Package pubsub is a tiny client library, vendored into realservice to
// stand for a third-party one (nats.go, a gRPC client): Connect starts its
// goroutines, and only Close stops them.
package pubsub

// Conn is one connection, with a read loop and a flusher of its own.
type Conn struct {
	outgoing chan string
	acks     chan string
	done     chan struct{}
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
