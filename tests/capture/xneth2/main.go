// xneth2 is a capture program for tests/fixtures/http2: an x/net/http2
// server behind the h2c handler, and an x/net/http2 client calling it over
// prior knowledge. Not built by CMake (x/net is outside the standard
// library): go build, run it with an address, GET /call twice, then save
// /debug/pprof/goroutine?debug=2.
package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/pprof"
	"os"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/h2c"
)

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, r.Proto) })
	client := &http.Client{Transport: &http2.Transport{AllowHTTP: true, DialTLSContext: func(ctx context.Context, network, addr string, _ *tls.Config) (net.Conn, error) {
		return net.Dial(network, addr)
	}}}
	mux.HandleFunc("/call", func(w http.ResponseWriter, r *http.Request) {
		resp, err := client.Get("http://" + r.Host + "/echo")
		if err != nil {
			http.Error(w, err.Error(), 502)
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Fprintf(w, "%s\n", b)
	})
	l, err := net.Listen("tcp", os.Args[1])
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(http.Serve(l, h2c.NewHandler(mux, &http2.Server{})))
}
