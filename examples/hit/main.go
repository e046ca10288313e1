// Command hit sends one GET to each URL in turn and fails on the first
// answer that is not 200: a scenario driver for goleakcheck that needs
// nothing but the Go standard library.
//
//	hit "$GOLEAKCHECK_URL/ncast" "$GOLEAKCHECK_URL/timeout"
package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: hit URL...")
		os.Exit(2)
	}
	client := &http.Client{Timeout: 10 * time.Second}
	for _, url := range os.Args[1:] {
		if err := get(client, url); err != nil {
			fmt.Fprintf(os.Stderr, "hit: %v\n", err)
			os.Exit(1)
		}
	}
	// Close the kept-alive connections so that the server's connection
	// goroutines end with the scenario.
	client.CloseIdleConnections()
}

func get(client *http.Client, url string) error {
	response, err := client.Get(url)
	if err != nil {
		return err
	}
	defer response.Body.Close()
	body, err := io.ReadAll(response.Body)
	if err != nil {
		return fmt.Errorf("GET %s: %v", url, err)
	}
	if response.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s: %s", url, response.Status, body)
	}
	fmt.Fprintf(os.Stderr, "hit: GET %s: %s", url, body)
	return nil
}
