// gostackparse times DataDog's gostackparse on one dump file, the way
// tests/bench/run times goleakcheck's reader on the same file:
//
//	gostackparse FILE [RUNS]
//
// The file is read into memory first; each run parses it from a
// bytes.Reader. Prints one line of key=value figures.
package main

import (
	"bytes"
	"fmt"
	"os"
	"sort"
	"strconv"
	"time"

	"github.com/DataDog/gostackparse"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: gostackparse FILE [RUNS]")
		os.Exit(2)
	}
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	runs := 11
	if len(os.Args) > 2 {
		if runs, err = strconv.Atoi(os.Args[2]); err != nil || runs < 1 {
			fmt.Fprintln(os.Stderr, "RUNS must be a positive number")
			os.Exit(2)
		}
	}
	var seconds []float64
	goroutines, errs := 0, 0
	for i := 0; i < runs; i++ {
		start := time.Now()
		parsed, parseErrs := gostackparse.Parse(bytes.NewReader(data))
		seconds = append(seconds, time.Since(start).Seconds())
		goroutines, errs = len(parsed), len(parseErrs)
	}
	sort.Float64s(seconds)
	median := seconds[len(seconds)/2]
	fmt.Printf("runs=%d bytes=%d goroutines=%d errors=%d median_s=%.4f min_s=%.4f mib_per_s=%.0f\n",
		runs, len(data), goroutines, errs, median, seconds[0], float64(len(data))/(1<<20)/median)
}
