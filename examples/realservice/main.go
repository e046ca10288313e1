// Command realservice behaves as the real services goleakcheck was tried on
// do, one case each, where a naive leak check gets the verdict wrong:
//
//   - -startup-goroutines: it keeps starting goroutines for a while after
//     pprof answers, as nats-server and caddy do (startup.go);
//   - -tick: it starts a short-lived worker on every tick, for ever, so
//     that it is never quiet (startup.go);
//   - /lazy-client: a shared client created on first use (lazy.go);
//   - /h2: an HTTP/2 request over h2c to its own listener, through a
//     shared HTTP/2 client (h2.go);
//   - /refresher: a periodic refresher started by the first request, like
//     certmagic's lock refresher (refresher.go);
//   - /proven-leak and /global-leak: a leak the Go runtime can prove, and one
//     it cannot (proof.go);
//   - /linger: goroutines that end on their own a while after the request,
//     and /late-block, one that works a while and then blocks (linger.go);
//   - /publish-per-call: a library's client made per request and never
//     closed; the library is vendored, so its frames are not yours
//     (subscribe.go);
//   - /rpc: a shared RPC client dialled on first use to the service's own
//     RPC server, both ends with goroutines per connection as grpc-go's
//     (keepalive included), and /rpc-per-call, a client dialled per request
//     and never closed; /request: a reply subscription a shared pubsub
//     connection makes on its first request, as nats.go's (rpc.go).
//
// pprof and the API share one loopback listener (-addr), which serves
// HTTP/1.1 and unencrypted HTTP/2 (h2c).
package main

import (
	"errors"
	"flag"
	"log"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"syscall"
	"time"

	"example.com/pubsub"
)

func main() {
	addr := flag.String("addr", defaultAddr(), "loopback address to serve the API and pprof on (default $GOLEAKCHECK_ADDR, else 127.0.0.1:6061)")
	startupGoroutines := flag.Int("startup-goroutines", 0, "start this many long-lived background goroutines after pprof answers")
	startupSpread := flag.Duration("startup-spread", time.Second, "over how long the -startup-goroutines start")
	readyAfterStartup := flag.Bool("ready-after-startup", false, "answer /healthz 503 until the -startup-goroutines have started")
	tick := flag.Duration("tick", 0, "start a worker that lives 2.5 ticks on every tick of this period (0: none)")
	logRequests := flag.Bool("log-requests", false, "log the path and query of every request on stderr, as it arrives")
	flag.Parse()

	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/healthz", health(*readyAfterStartup))
	mux.HandleFunc("/lazy-client", lazyClientCall)
	mux.HandleFunc("/h2", h2Call)
	mux.HandleFunc("/h2/echo", h2Echo)
	mux.HandleFunc("/refresher", startRefresher)
	mux.HandleFunc("/proven-leak", provenLeak)
	mux.HandleFunc("/global-leak", globalLeak)
	mux.HandleFunc("/linger", linger)
	mux.HandleFunc("/late-block", lateBlock)
	mux.HandleFunc("/give-up", giveUp)
	mux.HandleFunc("/publish-per-call", publishPerCall)
	mux.HandleFunc("/rpc", sharedRPCCall)
	mux.HandleFunc("/rpc-per-call", rpcPerCall)
	mux.HandleFunc("/request", request)

	startRPCServer()
	natsConn = pubsub.Connect()
	listener, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("realservice: %v", err)
	}
	var handler http.Handler = mux
	if *logRequests {
		// In the request's own goroutine, before it is served: a dump taken
		// by the request shows the same goroutines as without the log.
		handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			log.Printf("request: %s", r.URL.RequestURI())
			mux.ServeHTTP(w, r)
		})
	}
	server := &http.Server{Handler: handler, Protocols: new(http.Protocols)}
	server.Protocols.SetHTTP1(true)
	server.Protocols.SetUnencryptedHTTP2(true)
	go shutdownOnSignal(server)
	go startUp(*startupGoroutines, *startupSpread)
	if *tick > 0 {
		go tickWorkers(*tick)
	}
	log.Printf("realservice: serving on http://%s", listener.Addr())
	if err := server.Serve(listener); !errors.Is(err, http.ErrServerClosed) {
		log.Fatalf("realservice: %v", err)
	}
}

func defaultAddr() string {
	if addr := os.Getenv("GOLEAKCHECK_ADDR"); addr != "" {
		return addr
	}
	return "127.0.0.1:6061"
}

func shutdownOnSignal(server *http.Server) {
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	<-signals
	_ = server.Close()
}
