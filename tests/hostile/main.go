// Command hostile answers on loopback the way a broken or wrong server
// does, for the fault tests of goleakcheck (tests/integration/fault_test.cpp):
//
//	hostile -addr 127.0.0.1:0 -mode html
//
// It prints "listening on ADDR" once it listens. Modes:
//
//	html     200 text/html on every path: a web app on the wrong port
//	empty    200 with an empty body on every path
//	random   200 with 4 KiB of random bytes on every path
//	trickle  answers the readiness probe at once, then trickles the headers
//	         of every other answer one byte every 20 ms, forever
//	trickle-ready  trickles every answer's headers, the probe's included
//	chunks   answers the readiness probe at once, then sends every other
//	         answer chunked, trickling a chunk-size line that never ends
//	huge     2 GiB of zeros on every path, as fast as it can
//	redirect answers the readiness probe at once, then 302 to another path
//	reset    answers the readiness probe at once, then resets every other
//	         connection as soon as its request arrives
//
// The readiness probe is the first GET of the debug=1 goroutine profile
// (the harness's probe since it takes its baseline counts from it), or any
// GET of /debug/pprof/ itself. It is answered with "ok", which is no
// profile: the harness asks for the counts again, and meets the fault.
//	flip     a real pprof endpoint until the goroutine dump has been served
//	         once (the harness's baseline); later dumps are real ones buried
//	         in text that is no dump, as from a proxy that went wrong
//	h2c      real pprof over HTTP/2 without TLS only: HTTP/1 is refused
//	tls      real pprof over HTTPS only, with a self-signed certificate
//
// and the modes of after_leak.go, which turn bad after GET /leak.
package main

import (
	"crypto/rand"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/pprof"
	rpprof "runtime/pprof"
	"strings"
	"sync/atomic"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "loopback address to listen on")
	mode := flag.String("mode", "html", "html, empty, random or flip")
	flag.BoolVar(&faultOff, "fault-off", false, "for the modes of after_leak.go: serve real pprof throughout")
	flag.Parse()

	listener := inheritedListener()
	if listener == nil {
		var err error
		if listener, err = net.Listen("tcp", *addr); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Printf("listening on %s\n", listener.Addr())
	if isAfterLeakMode(*mode) {
		log.Fatal(http.Serve(listener, afterLeak(*mode, listener)))
	}
	switch *mode {
	case "h2c", "tls":
		log.Fatal(serveOtherProtocol(listener, *mode))
	}
	switch *mode {
	case "trickle", "trickle-ready", "chunks", "reset":
		serveRaw(listener, *mode)
		return
	}

	var handler http.Handler
	switch *mode {
	case "html":
		handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, "<!DOCTYPE html>\n<html><head><title>Shop</title></head><body>Welcome</body></html>\n")
		})
	case "empty":
		handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	case "random":
		handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			buf := make([]byte, 4096)
			rand.Read(buf)
			w.Write(buf)
		})
	case "huge":
		handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			block := make([]byte, 64<<10)
			for sent := 0; sent < 2<<30; sent += len(block) {
				if _, err := w.Write(block); err != nil {
					return
				}
			}
		})
	case "redirect":
		handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if isReadinessProbe(r.Method + " " + r.URL.RequestURI() + " ") {
				fmt.Fprintln(w, "ok")
				return
			}
			http.Redirect(w, r, "/login?next="+r.URL.Path, http.StatusFound)
		})
	case "flip":
		handler = flip()
	default:
		log.Fatalf("unknown mode %q", *mode)
	}
	log.Fatal(http.Serve(listener, handler))
}

// flip serves real pprof, then, from the second debug=2 dump on, the dump
// followed by far more text that is not part of it.
func flip() http.Handler {
	var dumps atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/debug/pprof/goroutine" && r.URL.Query().Get("debug") == "2" && dumps.Add(1) > 1 {
			rpprof.Lookup("goroutine").WriteTo(w, 2)
			fmt.Fprint(w, strings.Repeat("lorem ipsum dolor sit amet\n", 2000))
			return
		}
		mux.ServeHTTP(w, r)
	})
}

var probed atomic.Bool

// isReadinessProbe says whether the request that starts with `line` ("GET
// /path HTTP/1.1...") is the readiness probe (see the modes above).
func isReadinessProbe(line string) bool {
	if strings.HasPrefix(line, "GET /debug/pprof/ ") {
		return true
	}
	return strings.HasPrefix(line, "GET /debug/pprof/goroutine?debug=1 ") && !probed.Swap(true)
}

// serveRaw answers over plain TCP, so that it can send what net/http never
// would: headers or chunk sizes a byte at a time.
func serveRaw(listener net.Listener, mode string) {
	for {
		conn, err := listener.Accept()
		if err != nil {
			log.Fatal(err)
		}
		go func() {
			defer conn.Close()
			request := make([]byte, 4096)
			n, _ := conn.Read(request)
			line := string(request[:n])
			if mode != "trickle-ready" && isReadinessProbe(line) {
				fmt.Fprint(conn, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n")
				return
			}
			if mode == "reset" {
				// SO_LINGER 0: close sends a reset, not an orderly end.
				conn.(*net.TCPConn).SetLinger(0)
				return
			}
			var start, drip string
			if mode == "chunks" {
				start, drip = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "0"
			} else {
				start, drip = "HTTP/1.1 200 OK\r\nX-Slow: ", "a"
			}
			if _, err := fmt.Fprint(conn, start); err != nil {
				return
			}
			for {
				time.Sleep(20 * time.Millisecond)
				if _, err := fmt.Fprint(conn, drip); err != nil {
					return
				}
			}
		}()
	}
}
