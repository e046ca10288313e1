// Command steadyservice is a service under steady synthetic load, for
// goleakcheck watch. /work hands each request to a bounded pool of workers
// (-pool goroutines, idle between jobs, never more); /report leaks one
// goroutine per request: it stops waiting for its result after a timeout,
// and the goroutine computing it blocks for ever on its send. With -load
// the service calls both endpoints itself at a steady rate, so that a
// watch sees the pool's idle count wander and the leak pile up.
//
// pprof is served on the same loopback listener (-addr).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

func main() {
	addr := flag.String("addr", defaultAddr(), "loopback address to serve the API and pprof on (default $GOLEAKCHECK_ADDR, else 127.0.0.1:6060)")
	poolSize := flag.Int("pool", 200, "workers in the bounded pool behind /work")
	load := flag.Float64("load", 0, "requests per second this service sends itself, to /work and to /report each (0: none)")
	fixed := flag.Bool("fixed", false, "run /report's fixed variant, which leaks nothing")
	flag.Parse()

	pool := newPool(*poolSize)
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/work", pool.serve)
	mux.HandleFunc("/report", func(w http.ResponseWriter, r *http.Request) { report(w, r, *fixed) })
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })

	listener, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("steadyservice: %v", err)
	}
	server := &http.Server{Handler: mux}
	go shutdownOnSignal(server)
	if *load > 0 {
		go selfLoad("http://"+listener.Addr().String(), *load)
	}
	fmt.Fprintf(os.Stderr, "steadyservice: listening on %s\n", listener.Addr())
	if err := server.Serve(listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Fatalf("steadyservice: %v", err)
	}
}

func defaultAddr() string {
	if addr := os.Getenv("GOLEAKCHECK_ADDR"); addr != "" {
		return addr
	}
	return "127.0.0.1:6060"
}

// pool is a fixed set of workers; a job waits for a free one.
type pool struct{ jobs chan job }

type job struct {
	size int
	done chan int
}

func newPool(workers int) *pool {
	p := &pool{jobs: make(chan job)}
	for i := 0; i < workers; i++ {
		go p.work()
	}
	return p
}

func (p *pool) work() {
	for j := range p.jobs { // idle workers wait here
		time.Sleep(time.Duration(j.size) * time.Millisecond)
		j.done <- j.size
	}
}

// serve runs one job of ?ms=N milliseconds (default 5) on the pool.
func (p *pool) serve(w http.ResponseWriter, r *http.Request) {
	size, err := strconv.Atoi(r.URL.Query().Get("ms"))
	if err != nil || size < 0 {
		size = 5
	}
	j := job{size: size, done: make(chan int, 1)}
	select {
	case p.jobs <- j:
	case <-r.Context().Done():
		return
	}
	fmt.Fprintln(w, <-j.done)
}

// report renders with a deadline. The bug: the result channel is
// unbuffered, so once the handler has given up, the renderer's send has
// no receiver and blocks for ever. Fixed, the channel has room for it.
func report(w http.ResponseWriter, r *http.Request, fixed bool) {
	size := 0
	if fixed {
		size = 1
	}
	result := make(chan string, size)
	go func() {
		result <- render()
	}()
	select {
	case s := <-result:
		fmt.Fprintln(w, s)
	case <-time.After(2 * time.Millisecond):
		http.Error(w, "report timed out", http.StatusGatewayTimeout)
	}
}

func render() string {
	time.Sleep(10 * time.Millisecond) // always slower than the deadline
	return "report"
}

// selfLoad calls /work and /report `rate` times a second each, for ever.
func selfLoad(base string, rate float64) {
	client := &http.Client{Timeout: 5 * time.Second}
	tick := time.NewTicker(time.Duration(float64(time.Second) / rate))
	defer tick.Stop()
	for range tick.C {
		for _, path := range []string{"/work", "/report"} {
			go func(url string) {
				resp, err := client.Get(url)
				if err == nil {
					io.Copy(io.Discard, resp.Body) // so that the connection is reused
					resp.Body.Close()
				}
			}(base + path)
		}
	}
}

func shutdownOnSignal(server *http.Server) {
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	<-signals
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = server.Shutdown(ctx)
}
