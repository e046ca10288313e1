// Command leakyservice reproduces, one HTTP endpoint each, the goroutine leak
// patterns behind the production incidents goleakcheck was built for. Every
// endpoint runs its pattern once per request; with ?fixed=1 it runs the fixed
// variant instead, which must leave no goroutine behind.
//
// pprof is served on the same loopback listener (-addr), never on a public
// address: see README.md, "Enable pprof safely".
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

func main() {
	addr := flag.String("addr", defaultAddr(), "loopback address to serve the API and pprof on (default $GOLEAKCHECK_ADDR, else 127.0.0.1:6060)")
	noPprof := flag.Bool("no-pprof", false, "do not register /debug/pprof/ (to test a checker against a service without it)")
	crashAtStart := flag.Bool("crash-at-start", false, "exit with status 3 before listening (to test a checker against a crashing service)")
	ignoreSIGTERM := flag.Bool("ignore-sigterm", false, "ignore SIGTERM (to test that a harness escalates to SIGKILL)")
	dumpDelay := flag.Duration("goroutine-dump-delay", 0, "delay /debug/pprof/goroutine answers (to test a harness against a slow endpoint)")
	chattyBytes := flag.Int("chatty-bytes", 0, "write this many bytes to stdout and to stderr at start (to test that a harness drains them)")
	flag.Parse()

	if *chattyBytes > 0 {
		line := strings.Repeat("chatter ", 15) + "\n"
		for written := 0; written < *chattyBytes; written += len(line) {
			fmt.Fprint(os.Stdout, line)
			fmt.Fprint(os.Stderr, line)
		}
	}

	if *crashAtStart {
		fmt.Fprintln(os.Stderr, "leakyservice: config error: crash requested by -crash-at-start")
		os.Exit(3)
	}

	mux := http.NewServeMux()
	if !*noPprof {
		registerPprof(mux, *dumpDelay)
	}
	registerPatterns(mux)

	listener, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("leakyservice: %v", err)
	}
	server := &http.Server{Handler: mux}
	if *ignoreSIGTERM {
		signal.Ignore(syscall.SIGTERM)
	} else {
		go shutdownOnSignal(server)
	}
	log.Printf("leakyservice: serving on http://%s", listener.Addr())
	if err := server.Serve(listener); !errors.Is(err, http.ErrServerClosed) {
		log.Fatalf("leakyservice: %v", err)
	}
	log.Printf("leakyservice: stopped")
}

// defaultAddr is where a harness asked us to listen, when it did.
func defaultAddr() string {
	if addr := os.Getenv("GOLEAKCHECK_ADDR"); addr != "" {
		return addr
	}
	return "127.0.0.1:6060"
}

// registerPprof mounts the pprof handlers on our own mux rather than relying
// on the side effect of importing net/http/pprof into http.DefaultServeMux.
func registerPprof(mux *http.ServeMux, dumpDelay time.Duration) {
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	if dumpDelay > 0 {
		mux.HandleFunc("/debug/pprof/goroutine", func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(dumpDelay)
			pprof.Handler("goroutine").ServeHTTP(w, r)
		})
	}
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
}

func shutdownOnSignal(server *http.Server) {
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, os.Interrupt)
	<-signals
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = server.Shutdown(ctx)
}
