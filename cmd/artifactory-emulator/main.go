// Command artifactory-emulator serves the project's Artifactory emulator
// (package internal/artifactory/emulator) for the demo and manual testing:
// the legacy token endpoints and, for --version 7.21.1 and later, the Access
// Tokens API, whose thresholds and Basic switch have flags of their own.
// It logs one line per request to stderr: method, path and status, never
// credentials or token values. It serves until SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/artifactory-token-operator/artifactory-token-operator/internal/artifactory/emulator"
)

const shutdownGrace = 5 * time.Second

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if err := run(ctx, os.Args[1:], os.Stderr, nil); err != nil {
		fmt.Fprintln(os.Stderr, "artifactory-emulator:", err)
		os.Exit(1)
	}
}

// run serves until ctx ends. ready, when set, gets the base URL once the
// listener is open.
func run(ctx context.Context, args []string, stderr io.Writer, ready func(url string)) error {
	opts, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	cfg := emulator.Config{
		Users:     opts.users,
		ServiceID: opts.serviceID,
		Version:   opts.version,
	}
	opts.access.config(&cfg)
	em, err := emulator.New(cfg)
	if err != nil {
		return fmt.Errorf("create emulator: %w", err)
	}
	em.SetMaxLifetime(opts.maxLifetime)
	em.SetLatency(opts.latency)

	ln, err := net.Listen("tcp", opts.listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", opts.listen, err)
	}
	logger := log.New(stderr, "", log.LstdFlags)
	srv := &http.Server{
		Handler:           logRequests(em, logger),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          logger,
	}
	url := baseURL(opts, ln.Addr())
	logger.Printf("Serving Artifactory %s as %s at %s", opts.version, em.ServiceID(), url)
	if ready != nil {
		ready(url)
	}
	return serveUntilDone(ctx, srv, ln, opts)
}

func baseURL(opts options, addr net.Addr) string {
	if opts.tlsCert != "" {
		return "https://" + addr.String()
	}
	return "http://" + addr.String()
}

// serveUntilDone serves on ln and shuts the server down when ctx ends.
func serveUntilDone(ctx context.Context, srv *http.Server, ln net.Listener,
	opts options) error {
	served := make(chan error, 1)
	go func() {
		if opts.tlsCert != "" {
			served <- srv.ServeTLS(ln, opts.tlsCert, opts.tlsKey)
			return
		}
		served <- srv.Serve(ln)
	}()

	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// logRequests logs method, path and status of every request. The query is
// left out: it could carry credentials.
func logRequests(next http.Handler, logger *log.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		logger.Printf("%s %s %s %s", r.Method, r.URL.Path, rec.describe(),
			time.Since(start).Round(time.Millisecond))
	})
}

// statusWriter remembers the status answered.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (sw *statusWriter) WriteHeader(status int) {
	if sw.status == 0 {
		sw.status = status
	}
	sw.ResponseWriter.WriteHeader(status)
}

func (sw *statusWriter) Write(b []byte) (int, error) {
	if sw.status == 0 {
		sw.status = http.StatusOK
	}
	return sw.ResponseWriter.Write(b)
}

// Unwrap lets the emulator hijack the connection during an outage.
func (sw *statusWriter) Unwrap() http.ResponseWriter {
	return sw.ResponseWriter
}

func (sw *statusWriter) describe() string {
	if sw.status == 0 {
		return "no-answer"
	}
	return fmt.Sprint(sw.status)
}
