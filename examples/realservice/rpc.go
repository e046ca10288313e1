package main

import (
	"fmt"
	"log"
	"net"
	"net/http"
	"sync"

	"example.com/pubsub"
	"example.com/rpc"
)

// The service's own RPC server, on a second loopback port as a gRPC
// service's is, started with the program: its accept loop is part of the
// baseline, and each client connection gives it three goroutines.
var rpcAddr string

func startRPCServer() {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatalf("realservice: rpc: %v", err)
	}
	rpcAddr = listener.Addr().String()
	go func() { _ = rpc.NewServer(func(request string) string { return "echo " + request }).Serve(listener) }()
}

// One ClientConn for the process, dialled on first use, as gRPC advises:
// its goroutines, and the server's for its connection (keepalive
// included), are made by the first /rpc and serve every later one.
var (
	rpcOnce   sync.Once
	rpcClient *rpc.ClientConn
	rpcErr    error
)

func sharedRPCCall(w http.ResponseWriter, r *http.Request) {
	rpcOnce.Do(func() { rpcClient, rpcErr = rpc.Dial(rpcAddr) })
	if rpcErr != nil {
		http.Error(w, rpcErr.Error(), http.StatusBadGateway)
		return
	}
	reply, err := rpcClient.Call("hello")
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	fmt.Fprintf(w, "ok rpc (%s)\n", reply)
}

// rpcPerCall dials a ClientConn per request and never closes it: both
// ends' goroutines stay, five per request. With ?fixed=1 it closes it.
func rpcPerCall(w http.ResponseWriter, r *http.Request) {
	client, err := rpc.Dial(rpcAddr) // leak:dial-per-call
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	if r.URL.Query().Get("fixed") == "1" {
		defer client.Close()
	}
	reply, err := client.Call("hello")
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	fmt.Fprintf(w, "ok rpc-per-call (%s)\n", reply)
}

// One pubsub connection for the process, made at start-up as a nats.go
// connection is; its first Request adds the reply subscription.
var natsConn *pubsub.Conn

func request(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintf(w, "ok request (%s)\n", natsConn.Request("hello"))
}
