// Command lgsp-ferretdb runs an embedded FerretDB v1 (SQLite backend) for local runs and tests.
//
// FerretDB speaks the MongoDB wire protocol, so services and tests use it through their usual
// MongoDB drivers. It is built once per machine by deploy/local/engines/build.sh.
//
//	lgsp-ferretdb -listen-addr 127.0.0.1:27017 -state-dir /tmp/lgsp-mongo [-log-level warn]
//	              [-shutdown-grace 3s] [-serialize=true]
//
// # Serialized commands
//
// FerretDB v1's SQLite backend runs an update as "query, then write" without a transaction
// (FerretDB issue #3040), so concurrent findAndModify / update commands on one document race:
// several conditional claims win at once and $inc loses increments. MongoDB makes each
// single-document write atomic, and our services rely on that. So by default FerretDB listens
// on an internal port and this program proxies every client connection to it, forwarding one
// command at a time across all connections (a request and its reply under one lock). That
// makes every command atomic, at the cost of concurrency, which local runs and tests do not need.
//
// # Shutdown
//
// On SIGINT/SIGTERM it stops accepting connections, lets the command in flight finish (at most
// -shutdown-grace), closes the connections and exits. SQLite commits are durable.
package main

import (
	"context"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listenAddr := flag.String("listen-addr", "127.0.0.1:27017", "TCP address to listen on")
	stateDir := flag.String("state-dir", "", "directory for the SQLite files (created if missing)")
	logLevel := flag.String("log-level", "warn", "log level: debug, info, warn or error")
	grace := flag.Duration("shutdown-grace", 3*time.Second, "on SIGINT/SIGTERM, longest wait for the command in flight")
	serialize := flag.Bool("serialize", true, "run one command at a time (makes single-document writes atomic)")
	flag.Parse()

	if err := run(*listenAddr, *stateDir, *logLevel, *grace, *serialize); err != nil {
		fmt.Fprintf(os.Stderr, "lgsp-ferretdb: %v\n", err)
		os.Exit(1)
	}
}

func run(listenAddr, stateDir, logLevel string, grace time.Duration, serialize bool) error {
	if stateDir == "" {
		return errors.New("-state-dir is required")
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(logLevel)); err != nil {
		return fmt.Errorf("-log-level: %w", err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	slog.SetDefault(logger)

	dir, err := filepath.Abs(stateDir)
	if err != nil {
		return err
	}
	if err = os.MkdirAll(dir, 0o755); err != nil {
		return err
	}

	// FerretDB wants a "file:" URI naming an existing directory, ending with "/".
	sqliteURL := (&url.URL{Scheme: "file", Path: strings.TrimSuffix(dir, "/") + "/"}).String()

	// Claim the public address first, so that a taken port fails before anything else starts.
	var front net.Listener
	ferretAddr := listenAddr
	if serialize {
		if front, err = net.Listen("tcp", listenAddr); err != nil {
			return err
		}
		defer front.Close()
		ferretAddr = "127.0.0.1:0"
	}

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: ferretAddr},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: sqliteURL,
	})
	if err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	runCtx, cancelRun := context.WithCancel(context.Background())
	defer cancelRun()
	ferretDone := make(chan error, 1)
	go func() { ferretDone <- f.Run(runCtx) }()

	var p *proxy
	if serialize {
		backend := strings.TrimSuffix(strings.TrimPrefix(f.MongoDBURI(), "mongodb://"), "/")
		p = &proxy{backend: backend, logger: logger, conns: map[net.Conn]struct{}{}}
		go p.serve(front)
	}
	logger.Info("lgsp-ferretdb listening", "addr", listenAddr, "state", sqliteURL, "serialize", serialize)

	select {
	case err = <-ferretDone:
		return fmt.Errorf("FerretDB stopped: %v", err)
	case <-ctx.Done():
	}

	if p != nil {
		_ = front.Close()
		p.shutdown(grace)
	}
	cancelRun()
	select {
	case err = <-ferretDone:
		return err
	case <-time.After(grace):
		logger.Info("connections still open after the shutdown grace period; exiting", "grace", grace)
		return nil
	}
}

// ---- the serializing proxy ----

const (
	opMsg        = 2013
	moreToCome   = 1 << 1
	maxMsgLength = 48_000_000
)

type proxy struct {
	backend string
	logger  *slog.Logger

	cmd sync.Mutex // held while one request and its reply are forwarded

	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
}

func (p *proxy) serve(l net.Listener) {
	for {
		client, err := l.Accept()
		if err != nil {
			return // listener closed
		}
		go p.handle(client)
	}
}

func (p *proxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		_ = c.Close()
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *proxy) untrack(c net.Conn) {
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
	_ = c.Close()
}

// shutdown waits (up to grace) for the command in flight, then closes every connection.
func (p *proxy) shutdown(grace time.Duration) {
	idle := make(chan struct{})
	go func() { p.cmd.Lock(); close(idle) }() // held forever: no command starts after this
	select {
	case <-idle:
	case <-time.After(grace):
	}
	p.mu.Lock()
	p.closed = true
	for c := range p.conns {
		_ = c.Close()
	}
	p.mu.Unlock()
}

func (p *proxy) handle(client net.Conn) {
	if !p.track(client) {
		return
	}
	defer p.untrack(client)
	server, err := net.Dial("tcp", p.backend)
	if err != nil {
		p.logger.Warn("cannot reach FerretDB", "error", err)
		return
	}
	if !p.track(server) {
		return
	}
	defer p.untrack(server)

	for {
		req, err := readMessage(client)
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				p.logger.Debug("client connection ended", "error", err)
			}
			return
		}
		if err = p.roundTrip(req, client, server); err != nil {
			p.logger.Debug("proxied connection ended", "error", err)
			return
		}
	}
}

// roundTrip forwards one request and every reply to it, holding the command lock.
func (p *proxy) roundTrip(req []byte, client, server net.Conn) error {
	p.cmd.Lock()
	defer p.cmd.Unlock()
	if _, err := server.Write(req); err != nil {
		return err
	}
	if isMoreToCome(req) { // fire-and-forget (w: 0): no reply
		return nil
	}
	for {
		reply, err := readMessage(server)
		if err != nil {
			return err
		}
		if _, err = client.Write(reply); err != nil {
			return err
		}
		if !isMoreToCome(reply) { // a streamed (exhaust) reply continues while moreToCome is set
			return nil
		}
	}
}

// readMessage reads one wire protocol message: a 16-byte header starting with its total length.
func readMessage(r io.Reader) ([]byte, error) {
	var header [16]byte
	if _, err := io.ReadFull(r, header[:]); err != nil {
		return nil, err
	}
	length := int(int32(binary.LittleEndian.Uint32(header[0:4])))
	if length < len(header) || length > maxMsgLength {
		return nil, fmt.Errorf("bad message length %d", length)
	}
	msg := make([]byte, length)
	copy(msg, header[:])
	if _, err := io.ReadFull(r, msg[len(header):]); err != nil {
		return nil, err
	}
	return msg, nil
}

func isMoreToCome(msg []byte) bool {
	return len(msg) >= 20 &&
		binary.LittleEndian.Uint32(msg[12:16]) == opMsg &&
		binary.LittleEndian.Uint32(msg[16:20])&moreToCome != 0
}
