package main

import (
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// registerPatterns mounts one endpoint per leak pattern. Each answers
// "ok <pattern> fixed=<bool>" once the pattern has run.
func registerPatterns(mux *http.ServeMux) {
	patterns := map[string]func(fixed bool){
		"/timeout":   timeoutPattern,
		"/ncast":     ncastPattern,
		"/range":     rangePattern,
		"/premature": prematureReturnPattern,
		"/async":     droppedOutcomePattern,
		"/lock":      lockPattern,
		"/waitgroup": waitGroupPattern,
		"/labelled":  labelledPattern,
	}
	for path, run := range patterns {
		path, run := path, run
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			fixed, _ := strconv.ParseBool(r.URL.Query().Get("fixed"))
			run(fixed)
			fmt.Fprintf(w, "ok %s fixed=%v\n", path[1:], fixed)
		})
	}
	// /work starts a goroutine that finishes on its own after ?ms=
	// milliseconds: a clean scenario whose goroutine is still running when
	// the check begins.
	mux.HandleFunc("/work", func(w http.ResponseWriter, r *http.Request) {
		ms, err := strconv.Atoi(r.URL.Query().Get("ms"))
		if err != nil {
			ms = 100
		}
		go func() { time.Sleep(time.Duration(ms) * time.Millisecond) }()
		fmt.Fprintln(w, "ok work")
	})
	mux.HandleFunc("/outbound", outboundCall)
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})
}
