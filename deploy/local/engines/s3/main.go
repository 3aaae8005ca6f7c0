// Command lgsp-s3 runs gofakes3, an S3-compatible server, for local runs and tests.
//
// The object storage of the platform (libs/storage) speaks S3 when configured; its tests run
// against this real S3-speaking server rather than a mock. Built once per machine by
// deploy/local/engines/build.sh.
//
//	lgsp-s3 -listen-addr 127.0.0.1:9000 [-data-dir /tmp/lgsp-s3] [-bucket lgsp] [-quiet=false]
//
// With -data-dir, objects are files under <data-dir>/buckets and their metadata under
// <data-dir>/metadata; without it they live in memory. Addressing is path-style
// (http://host:port/<bucket>/<key>). gofakes3 does not check request signatures: any access key
// and secret are accepted.
//
// Once it listens it prints one line to stdout, "lgsp-s3 ready http://ADDR", so a caller can
// wait for it. On SIGINT/SIGTERM it stops accepting requests, lets those in flight finish (at
// most -shutdown-grace) and exits.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3afero"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

func main() {
	listenAddr := flag.String("listen-addr", "127.0.0.1:9000", "TCP address to listen on")
	dataDir := flag.String("data-dir", "", "directory for objects and metadata (created if missing); in memory when empty")
	buckets := flag.String("bucket", "", "comma-separated buckets to create at start (kept if they exist)")
	quiet := flag.Bool("quiet", true, "do not log each request")
	grace := flag.Duration("shutdown-grace", 3*time.Second, "on SIGINT/SIGTERM, longest wait for requests in flight")
	flag.Parse()

	if err := run(*listenAddr, *dataDir, *buckets, *quiet, *grace); err != nil {
		fmt.Fprintf(os.Stderr, "lgsp-s3: %v\n", err)
		os.Exit(1)
	}
}

func run(listenAddr, dataDir, buckets string, quiet bool, grace time.Duration) error {
	backend, err := newBackend(dataDir)
	if err != nil {
		return err
	}
	for _, name := range strings.Split(buckets, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		if err := backend.CreateBucket(name); err != nil && !gofakes3.IsAlreadyExists(err) {
			return fmt.Errorf("creating bucket %q: %w", name, err)
		}
	}

	logger := gofakes3.GlobalLog()
	if quiet {
		logger = gofakes3.DiscardLog()
		log.SetOutput(io.Discard)
	}
	faker := gofakes3.New(backend,
		gofakes3.WithLogger(logger),
		gofakes3.WithHostBucket(false), // path-style addressing only
	)

	listener, err := net.Listen("tcp", listenAddr)
	if err != nil {
		return err
	}
	server := &http.Server{Handler: faker.Server(), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- server.Serve(listener) }()
	fmt.Printf("lgsp-s3 ready http://%s\n", listener.Addr())

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	select {
	case err := <-served:
		return err
	case <-signals:
	}
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := server.Shutdown(ctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

func newBackend(dataDir string) (gofakes3.Backend, error) {
	if dataDir == "" {
		return s3mem.New(), nil
	}
	fs, err := s3afero.FsPath(dataDir, s3afero.FsPathCreateAll)
	if err != nil {
		return nil, fmt.Errorf("-data-dir: %w", err)
	}
	return s3afero.MultiBucket(fs)
}
