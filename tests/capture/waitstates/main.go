// Command waitstates parks goroutines in every wait state a program can
// reach, then serves pprof on loopback so that tests/capture/run can save
// the dumps each Go release writes (tests/fixtures/releases/).
//
// Every parked goroutine runs a function named park<What>, or leak<What>
// for those the runtime can prove leaked (Go 1.26 with
// GOEXPERIMENT=goroutineleakprofile, Go 1.27): their primitives are local,
// where the park* ones hang off package variables that the GC can reach.
// The line that blocks carries a "park:NAME" comment.
//
// GET /ready answers 200 once every goroutine is parked.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/pprof"
	"runtime"
	rpprof "runtime/pprof"
	"strings"
	"sync"
	"syscall"
	"time"

	nats "goleakcheck.test/waitstates/nats.go"
)

// Reachable from a global, so never provably leaked.
var (
	sendTo    = make(chan int)
	receiveOn = make(chan int)
	never     = make(chan struct{})
	selectOn  = make(chan int)
	mu        sync.Mutex
	rw        sync.RWMutex
	rwWriter  sync.RWMutex
	wg        sync.WaitGroup
	cond      = sync.NewCond(&sync.Mutex{})
	lockedCh  = make(chan struct{})
	escaped   = make(chan struct{})
	box       = &Box[string]{ch: make(chan string)}
)

// Box is generic, so its methods print as main.(*Box[...]).wait.
type Box[T any] struct{ ch chan T }

func (b *Box[T]) wait() T { return <-b.ch } // park:generic

func parkChanSend()    { sendTo <- 1 } // park:chan-send
func parkChanReceive() { <-receiveOn } // park:chan-receive
func parkSelect() {
	select {
	case <-never:
	case selectOn <- 1:
	}
} // park:select
func parkSelectNoCases() {
	select {} // park:select-no-cases
}
func parkNilSend() {
	var ch chan int
	ch <- 1 // park:nil-send
}
func parkNilReceive() {
	var ch chan int
	<-ch // park:nil-receive
}
func parkMutex()     { mu.Lock() }        // park:mutex
func parkRLock()     { rwWriter.RLock() } // park:rlock
func parkLock()      { rw.Lock() }        // park:lock
func parkWaitGroup() { wg.Wait() }        // park:waitgroup
func parkCond() {
	cond.L.Lock()
	cond.Wait() // park:cond
}
func parkSleep() { time.Sleep(time.Hour) } // park:sleep

// parkIOWait reads a connection that never sends: the netpoller parks it.
func parkIOWait(conn net.Conn) {
	buf := make([]byte, 1)
	conn.Read(buf) // park:io-wait
}

// parkSyscall reads a pipe through a plain blocking read(2), outside the
// netpoller: the goroutine stays in the system call.
func parkSyscall(fd int) {
	buf := make([]byte, 1)
	syscall.Read(fd, buf) // park:syscall
}

func parkLocked() {
	runtime.LockOSThread()
	<-lockedCh // park:locked
}

// parkDeep blocks 120 calls deep, past what a traceback prints whole.
func parkDeep(depth int) {
	if depth == 0 {
		<-never // park:deep
		return
	}
	parkDeep(depth - 1)
}

// leakSend sends on a channel only it holds: provably leaked.
func leakSend() {
	ch := make(chan int)
	go func() { ch <- 1 }() // park:leak-send
}

// leakLabelled starts a provable leak inside pprof.Do, whose labels the
// goroutine inherits, with values a header parser must survive.
func leakLabelled() {
	labels := rpprof.Labels(
		"scenario", "labelled",
		"evil", "x]:\n\ngoroutine 999 [running]:",
		"quote", `say "hi" {ok}, \ done`,
		"with space", "a b",
		"unicode", "grüße 世界",
	)
	rpprof.Do(context.Background(), labels, func(context.Context) {
		ch := make(chan int)
		go func() { <-ch }() // park:labelled
	})
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "loopback address for pprof")
	flag.Parse()

	mu.Lock()
	rw.RLock()
	rwWriter.Lock()
	wg.Add(1)

	listener, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	// A connection that never sends, for the IO wait.
	client, err := net.Dial("tcp", listener.Addr().String())
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	idle, err := listener.Accept()
	if err != nil {
		log.Fatal(err)
	}
	var pipe [2]int
	if err := syscall.Pipe(pipe[:]); err != nil {
		log.Fatal(err)
	}

	parks := []func(){
		parkChanSend, parkChanReceive, parkSelect, parkSelectNoCases, parkNilSend, parkNilReceive,
		parkMutex, parkRLock, parkLock, parkWaitGroup, parkCond, parkSleep, parkLocked,
		func() { parkIOWait(idle) }, func() { parkSyscall(pipe[0]) }, func() { parkDeep(120) },
		func() { box.wait() }, func() { nats.Park(escaped) },
	}
	for _, park := range parks {
		go park()
	}
	leakSend()
	leakLabelled()

	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/ready", func(w http.ResponseWriter, r *http.Request) {
		if missing := unparked(); missing != "" {
			http.Error(w, "not parked yet: "+missing, http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "parked")
	})
	fmt.Printf("listening on %s\n", listener.Addr())
	log.Fatal(http.Serve(listener, mux))
}

// unparked names the park functions not yet seen blocked in a dump of all
// goroutines, or "" once all are.
func unparked() string {
	buf := make([]byte, 1<<20)
	dump := string(buf[:runtime.Stack(buf, true)])
	var missing []string
	for _, name := range []string{"main.parkChanSend", "main.parkChanReceive", "main.parkSelect",
		"main.parkSelectNoCases", "main.parkNilSend", "main.parkNilReceive", "main.parkMutex", "main.parkRLock",
		"main.parkLock", "main.parkWaitGroup", "main.parkCond", "main.parkSleep", "main.parkLocked",
		"main.parkIOWait", "main.parkSyscall", "main.parkDeep", "main.(*Box[...]).wait",
		"goleakcheck.test/waitstates/nats%2ego.Park", "main.leakSend.func1", "main.leakLabelled.func1.1"} {
		if !parkedIn(dump, name) {
			missing = append(missing, name)
		}
	}
	return strings.Join(missing, ", ")
}

// parkedIn reports whether a record whose stack calls `name` is not running.
func parkedIn(dump, name string) bool {
	for _, record := range strings.Split(dump, "\n\n") {
		// The state follows the first '[': label values may hold "[running".
		state := record[strings.IndexByte(record+"[", '[')+1:]
		if strings.Contains(record, "\n"+name+"(") && !strings.HasPrefix(state, "running") &&
			!strings.HasPrefix(state, "runnable") {
			return true
		}
	}
	return false
}
