// Command lgsp-ferretdb runs an embedded FerretDB v1 (SQLite backend) for local runs and tests.
//
// FerretDB speaks the MongoDB wire protocol, so services and tests use it through their usual
// MongoDB drivers. It is built once per machine by deploy/local/engines/build.sh.
//
//	lgsp-ferretdb -listen-addr 127.0.0.1:27017 -state-dir /tmp/lgsp-mongo [-log-level warn]
//	              [-shutdown-grace 3s] [-serialize=false]
//
// # Atomic single-document writes, concurrently
//
// FerretDB v1's SQLite backend runs an update as "query, then write" without a transaction
// (FerretDB issue #3040), so concurrent findAndModify / update commands on one document race:
// several conditional claims win at once and $inc loses increments. MongoDB makes each
// single-document write atomic, and our services rely on that. So FerretDB listens on an
// internal port and this program proxies every client connection to it, taking a lock per
// document for the writes that pin _id, a lock per collection for other writes, and none for
// reads (proxy.go says exactly which). -serialize=true instead runs one command at a time
// across all connections, the former behaviour, kept to compare against.
//
// # An _id index FerretDB can use
//
// FerretDB looks documents up by _id with an expression its own _id index does not match, so
// every lookup by _id read the whole table; idindex.go adds an index on FerretDB's expression.
//
// # Seeing scans
//
// FerretDB reads the whole collection for any filter but a plain string or ObjectId _id. The proxy
// counts such commands by collection and filter shape; {lgspScans: 1[, reset: true]} answers the
// counts, so tests can prove a hot path reads only by _id (scans.go).
//
// # SQLite
//
// FerretDB opens each database with WAL and busy_timeout(10000) and up to 100 connections;
// writers then wait for SQLite's single write lock instead of failing with SQLITE_BUSY, as long
// as a transaction does not read before it writes. We ask for "BEGIN IMMEDIATE" transactions
// (_txlock=immediate) so that none does, and a longer busy timeout for loaded machines.
//
// # Shutdown
//
// On SIGINT/SIGTERM it stops accepting connections, lets the commands in flight finish (at most
// -shutdown-grace), closes the connections and exits. SQLite commits are durable.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listenAddr := flag.String("listen-addr", "127.0.0.1:27017", "TCP address to listen on")
	stateDir := flag.String("state-dir", "", "directory for the SQLite files (created if missing)")
	logLevel := flag.String("log-level", "warn", "log level: debug, info, warn or error")
	grace := flag.Duration("shutdown-grace", 3*time.Second, "on SIGINT/SIGTERM, longest wait for the command in flight")
	serialize := flag.Bool("serialize", false, "run one command at a time instead of locking per document")
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
	sqliteURL := (&url.URL{
		Scheme:   "file",
		Path:     strings.TrimSuffix(dir, "/") + "/",
		RawQuery: url.Values{"_txlock": {"immediate"}, "_pragma": {"busy_timeout(60000)"}}.Encode(),
	}).String()

	// Claim the public address first, so that a taken port fails before anything else starts.
	front, err := net.Listen("tcp", listenAddr)
	if err != nil {
		return err
	}
	defer front.Close()

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
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

	backend := strings.TrimSuffix(strings.TrimPrefix(f.MongoDBURI(), "mongodb://"), "/")
	indexer := newIDIndexer(dir, logger)
	go indexer.run(runCtx, 2*time.Second)
	p := &proxy{backend: backend, logger: logger, serialize: serialize, indexer: indexer, conns: map[net.Conn]struct{}{}}
	go p.serve(front)
	logger.Info("lgsp-ferretdb listening", "addr", listenAddr, "state", sqliteURL, "serialize", serialize)

	select {
	case err = <-ferretDone:
		return fmt.Errorf("FerretDB stopped: %v", err)
	case <-ctx.Done():
	}

	_ = front.Close()
	p.shutdown(grace)
	cancelRun()
	select {
	case err = <-ferretDone:
		return err
	case <-time.After(grace):
		logger.Info("connections still open after the shutdown grace period; exiting", "grace", grace)
		return nil
	}
}
