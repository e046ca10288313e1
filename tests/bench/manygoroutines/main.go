// manygoroutines parks a large number of goroutines at varied sites, with
// stacks 1 to 15 frames deep, and serves pprof on loopback: the input of the
// dump-reader benchmark (tests/bench/run). With 500,000 goroutines the
// runtime's 64 MiB cap cuts the debug=2 dump off, as in production.
// GET /leak?n=COUNT leaks COUNT more goroutines.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"strconv"
	"sync"
	"time"
)

// Every blocking primitive the seeds name, so the dump holds every state.
var (
	never    = make(chan int)
	neverSel = make(chan int)
	mu       sync.Mutex
	rw       sync.RWMutex
	wg       sync.WaitGroup
	cond     = sync.NewCond(&sync.Mutex{})
	started  sync.WaitGroup
)

func blockOnChannel() { started.Done(); <-never }
func blockOnSelect() {
	started.Done()
	select {
	case <-never:
	case <-neverSel:
	}
}
func blockOnMutex()     { started.Done(); mu.Lock() }
func blockOnRWMutex()   { started.Done(); rw.RLock() }
func blockOnWaitGroup() { started.Done(); wg.Wait() }
func blockOnCond() {
	started.Done()
	cond.L.Lock()
	for {
		cond.Wait()
	}
}
func blockOnSleep() { started.Done(); time.Sleep(24 * time.Hour) }

var sites = []func(){blockOnChannel, blockOnSelect, blockOnMutex, blockOnRWMutex, blockOnWaitGroup, blockOnCond, blockOnSleep}

// Three families of recursive callers, so stacks differ in their frames and
// not only in depth.
//
//go:noinline
func handlerA(depth int, block func()) {
	if depth <= 1 {
		block()
		return
	}
	handlerB(depth-1, block)
}

//go:noinline
func handlerB(depth int, block func()) {
	if depth <= 1 {
		block()
		return
	}
	serviceC(depth-1, block)
}

//go:noinline
func serviceC(depth int, block func()) {
	if depth <= 1 {
		block()
		return
	}
	handlerA(depth-1, block)
}

// leakMore parks n more goroutines on a channel no one sends on: the leak
// a check of this process must find even though its dump is cut off.
func leakMore(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(r.URL.Query().Get("n"))
	if err != nil || n < 1 {
		http.Error(w, "want ?n=COUNT", http.StatusBadRequest)
		return
	}
	for i := 0; i < n; i++ {
		go func() { <-never }() // leak:bench
	}
	fmt.Fprintf(w, "leaked %d goroutines\n", n)
}

func main() {
	addr := flag.String("addr", os.Getenv("GOLEAKCHECK_ADDR"), "loopback address for pprof")
	count := flag.Int("goroutines", 500000, "goroutines to park")
	flag.Parse()

	// Hold every lock so that the goroutines waiting for them park.
	mu.Lock()
	rw.Lock()
	wg.Add(1)

	started.Add(*count)
	for i := 0; i < *count; i++ {
		depth := 1 + i%15
		block := sites[(i/15)%len(sites)]
		switch i % 3 {
		case 0:
			go handlerA(depth, block)
		case 1:
			go handlerB(depth, block)
		default:
			go serviceC(depth, block)
		}
	}
	started.Wait()

	http.HandleFunc("/leak", leakMore)
	listener, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("manygoroutines: %v", err)
	}
	fmt.Printf("manygoroutines: %d goroutines parked; pprof on http://%s/debug/pprof/\n", *count, listener.Addr())
	log.Fatal(http.Serve(listener, nil))
}
