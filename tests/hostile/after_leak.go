package main

// Modes that serve real pprof until the scenario leaks (GET /leak), and
// then answer what a proxy, a broken server or a restart would: evidence
// that must never make a "clean" verdict.
//
//	cut-both         debug=2 cut inside its last record and debug=1 cut
//	                 inside its last stack, each with a correct Content-Length
//	lengthless       HTTP/1.0 answers with no length, closed after the
//	                 first record (or the profile's first stack)
//	missing-records  debug=2 without the leaked goroutines' records; debug=1
//	                 still counts them
//	renumber         debug=2 with every goroutine id moved by 100000, as a
//	                 fresh runtime behind the same pid would number them
//	reexec           /leak leaks, then the program execs itself (same pid,
//	                 a fresh Go runtime), keeping its listening socket

import (
	"bytes"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"regexp"
	rpprof "runtime/pprof"
	"strconv"
	"sync/atomic"
	"syscall"
)

// leaked is set once /leak has run: from then on the faults begin, unless
// faultOff (-fault-off) keeps the server honest, for the tests' control.
var (
	leaked   atomic.Bool
	faultOff bool
)

// leakForever parks forever on a channel nothing sends to: the leak that
// every fault here must not hide.
func leakForever(never chan int) { <-never }

func leakThree() {
	never := make(chan int)
	for i := 0; i < 3; i++ {
		go leakForever(never)
	}
}

func isAfterLeakMode(mode string) bool {
	switch mode {
	case "cut-both", "lengthless", "missing-records", "renumber", "reexec":
		return true
	}
	return false
}

func dumpText(debug int) []byte {
	var buf bytes.Buffer
	rpprof.Lookup("goroutine").WriteTo(&buf, debug)
	return buf.Bytes()
}

// records splits a debug=2 dump into its records, each with its blank line.
func records(dump []byte) [][]byte {
	var out [][]byte
	for _, r := range bytes.SplitAfter(dump, []byte("\n\n")) {
		if len(r) > 0 {
			out = append(out, r)
		}
	}
	return out
}

var goroutineID = regexp.MustCompile(`goroutine (\d+)`)

func afterLeak(mode string, listener net.Listener) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/leak", func(w http.ResponseWriter, r *http.Request) {
		leakThree()
		leaked.Store(true)
		// A length, so that the flush below sends the whole answer: a chunked
		// one would still lack its last chunk when the exec cuts it short.
		const answer = "leaked 3\n"
		w.Header().Set("Content-Length", strconv.Itoa(len(answer)))
		fmt.Fprint(w, answer)
		if mode == "reexec" && !faultOff {
			w.(http.Flusher).Flush()
			go reexec(listener)
		}
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		debug := r.URL.Query().Get("debug")
		isDump := r.URL.Path == "/debug/pprof/goroutine" && debug == "2"
		isProfile := r.URL.Path == "/debug/pprof/goroutine" && debug == "1"
		if !leaked.Load() || faultOff || mode == "reexec" || !(isDump || isProfile) {
			mux.ServeHTTP(w, r)
			return
		}
		switch mode {
		case "cut-both":
			// The dump cut inside its last record; the profile inside its
			// first stack, the largest: the leaked goroutines' counts.
			text := dumpText(2)
			end := bytes.LastIndex(bytes.TrimRight(text, "\n"), []byte("\n")) + 4
			if isProfile {
				text = dumpText(1)
				end = bytes.Index(text, []byte("\n#")) + 4
			}
			w.Header().Set("Content-Length", strconv.Itoa(end))
			w.Write(text[:end])
		case "lengthless":
			text := dumpText(map[bool]int{true: 2, false: 1}[isDump])
			first := records(text)[0]
			if isProfile {
				first = text[:bytes.Index(text, []byte("\n\n"))+2]
			}
			conn, _, err := w.(http.Hijacker).Hijack()
			if err != nil {
				return
			}
			fmt.Fprintf(conn, "HTTP/1.0 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s", first)
			conn.Close()
		case "missing-records":
			if isProfile {
				mux.ServeHTTP(w, r)
				return
			}
			for _, record := range records(dumpText(2)) {
				if !bytes.Contains(record, []byte("main.leakForever")) {
					w.Write(record)
				}
			}
		case "renumber":
			if isProfile {
				mux.ServeHTTP(w, r)
				return
			}
			w.Write(goroutineID.ReplaceAllFunc(dumpText(2), func(m []byte) []byte {
				id, _ := strconv.Atoi(string(m[len("goroutine "):]))
				return []byte("goroutine " + strconv.Itoa(id+100000))
			}))
		}
	})
}

// reexec replaces the program with a fresh copy of itself, same pid, its
// listening socket handed over as descriptor 3 (a graceful restart).
func reexec(listener net.Listener) {
	file, err := listener.(*net.TCPListener).File()
	if err != nil {
		log.Fatal(err)
	}
	if err := syscall.Dup3(int(file.Fd()), 3, 0); err != nil { // 0: no O_CLOEXEC, so it stays open
		log.Fatal(err)
	}
	env := append(os.Environ(), "HOSTILE_LISTENER_FD=3")
	log.Fatal(syscall.Exec("/proc/self/exe", os.Args, env))
}

// inheritedListener is the listening socket a reexec handed over, or nil.
func inheritedListener() net.Listener {
	if os.Getenv("HOSTILE_LISTENER_FD") != "3" {
		return nil
	}
	os.Unsetenv("HOSTILE_LISTENER_FD")
	listener, err := net.FileListener(os.NewFile(3, "listener"))
	if err != nil {
		log.Fatal(err)
	}
	return listener
}
