// Package rpc is a tiny line-based RPC library over TCP, vendored into
// realservice to stand for grpc-go. As grpc-go's HTTP/2 transport does, a
// server runs three goroutines per connection (a reader, a writer and a
// keepalive pinger) and a client connection two (a reader and a writer);
// a client's stay until Close, and the server's until the client goes.
package rpc

import (
	"bufio"
	"errors"
	"net"
	"sync"
	"time"
)

// keepaliveTime is how often an idle connection would be pinged: longer
// than any check, as grpc-go's default of two hours is.
const keepaliveTime = 2 * time.Hour

// Server answers each request line with handler's answer.
type Server struct {
	handler func(string) string
}

// NewServer makes a server that answers with handler.
func NewServer(handler func(string) string) *Server { return &Server{handler: handler} }

// Serve accepts connections on l until it is closed.
func (s *Server) Serve(l net.Listener) error {
	for {
		conn, err := l.Accept()
		if err != nil {
			return err
		}
		go s.serveConn(conn)
	}
}

func (s *Server) serveConn(conn net.Conn) {
	t := newTransport(conn)
	go t.writer()
	go t.keepalive()
	t.read(func(line string) { t.send(s.handler(line)) })
}

// transport is one connection's writer side, shared by both ends.
type transport struct {
	conn     net.Conn
	out      chan string
	done     chan struct{}
	doneOnce sync.Once
}

func newTransport(conn net.Conn) *transport {
	return &transport{conn: conn, out: make(chan string), done: make(chan struct{})}
}

func (t *transport) close() {
	t.doneOnce.Do(func() {
		close(t.done)
		_ = t.conn.Close()
	})
}

// read hands every line to handle until the connection ends.
func (t *transport) read(handle func(string)) {
	defer t.close()
	scanner := bufio.NewScanner(t.conn)
	for scanner.Scan() {
		handle(scanner.Text())
	}
}

func (t *transport) send(line string) bool {
	select {
	case t.out <- line:
		return true
	case <-t.done:
		return false
	}
}

func (t *transport) writer() {
	for {
		select {
		case line := <-t.out:
			if _, err := t.conn.Write([]byte(line + "\n")); err != nil {
				t.close()
				return
			}
		case <-t.done:
			return
		}
	}
}

func (t *transport) keepalive() {
	ticker := time.NewTicker(keepaliveTime)
	defer ticker.Stop()
	for {
		select {
		case <-ticker.C:
			t.send("ping")
		case <-t.done:
			return
		}
	}
}

// ClientConn is a connection to a Server, meant to be made once and
// shared: each one keeps two goroutines until Close.
type ClientConn struct {
	t       *transport
	mu      sync.Mutex
	replies chan string
}

// Dial connects to the server at addr.
func Dial(addr string) (*ClientConn, error) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	c := &ClientConn{t: newTransport(conn), replies: make(chan string)}
	go c.t.writer()
	go c.t.read(func(line string) {
		select {
		case c.replies <- line:
		case <-c.t.done:
		}
	})
	return c, nil
}

// ErrClosed is what a call on a closed connection gets.
var ErrClosed = errors.New("rpc: connection closed")

// Call sends request and waits for its answer.
func (c *ClientConn) Call(request string) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.t.send(request) {
		return "", ErrClosed
	}
	select {
	case reply := <-c.replies:
		return reply, nil
	case <-c.t.done:
		return "", ErrClosed
	}
}

// Close ends the connection and its goroutines, and the server's for it.
func (c *ClientConn) Close() error {
	c.t.close()
	return nil
}
