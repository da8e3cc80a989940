package emulator

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Fault makes matching requests answer with a canned response instead of
// being served.
type Fault struct {
	// Method matches the request method, any when empty.
	Method string
	// PathPrefix matches the start of the request path, any when empty.
	PathPrefix string
	// Status is the answer's status code; 500 when zero.
	Status int
	// Body is the answer's body; Artifactory's {"errors":[...]} body for
	// Status when empty.
	Body string
	// ContentType of the answer; when empty, application/json for a JSON
	// (or empty) Body and text/plain otherwise.
	ContentType string
	// RetryAfter, when positive, is sent as a Retry-After header in whole
	// seconds, rounded up.
	RetryAfter time.Duration
	// Times is how many requests the fault answers before it lifts itself;
	// zero keeps it until ClearFaults.
	Times int
}

func (f Fault) matches(method, path string) bool {
	return (f.Method == "" || strings.EqualFold(f.Method, method)) &&
		strings.HasPrefix(path, f.PathPrefix)
}

// activeFault is an injected fault and the answers it has left.
type activeFault struct {
	Fault
	remaining int // meaningful only when Times > 0
}

// switches holds the fault switches. Every method is safe to call while
// requests are being served.
type switches struct {
	mu          sync.Mutex
	faults      []*activeFault
	latency     time.Duration
	outage      bool
	maxLifetime time.Duration

	waiting atomic.Int64 // requests sleeping in waitLatency, for tests
}

// take returns the first injected fault matching the request and uses up
// one of its answers.
func (sw *switches) take(method, path string) (Fault, bool) {
	sw.mu.Lock()
	defer sw.mu.Unlock()

	for i, f := range sw.faults {
		if !f.matches(method, path) {
			continue
		}
		if f.Times > 0 {
			f.remaining--
			if f.remaining == 0 {
				sw.faults = append(sw.faults[:i:i], sw.faults[i+1:]...)
			}
		}
		return f.Fault, true
	}
	return Fault{}, false
}

func (sw *switches) outageOn() bool {
	sw.mu.Lock()
	defer sw.mu.Unlock()

	return sw.outage
}

func (sw *switches) currentMaxLifetime() time.Duration {
	sw.mu.Lock()
	defer sw.mu.Unlock()

	return sw.maxLifetime
}

// waitLatency sleeps for the configured latency and tells whether the
// request is still wanted: false when its context ended first.
func (sw *switches) waitLatency(ctx context.Context) bool {
	sw.mu.Lock()
	d := sw.latency
	sw.mu.Unlock()
	// Without latency there is nothing to wait for.
	if d <= 0 {
		return true
	}

	sw.waiting.Add(1)
	defer sw.waiting.Add(-1)
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// InjectFault makes requests matching f answer f's status and body. Faults
// are tried in the order injected; the first match answers.
func (s *Server) InjectFault(f Fault) {
	s.switches.mu.Lock()
	defer s.switches.mu.Unlock()

	s.switches.faults = append(s.switches.faults, &activeFault{Fault: f, remaining: f.Times})
}

// ClearFaults removes every injected fault.
func (s *Server) ClearFaults() {
	s.switches.mu.Lock()
	defer s.switches.mu.Unlock()

	s.switches.faults = nil
}

// SetLatency makes every request wait d before it is answered; a request
// whose context ends while waiting gets no answer. Zero turns it off.
func (s *Server) SetLatency(d time.Duration) {
	s.switches.mu.Lock()
	defer s.switches.mu.Unlock()

	s.switches.latency = d
}

// SetOutage turns the outage on or off. While on, every connection that
// sends a request is closed without an answer, so clients see a transport
// error. The /_emulator control endpoints keep working.
func (s *Server) SetOutage(on bool) {
	s.switches.mu.Lock()
	defer s.switches.mu.Unlock()

	s.switches.outage = on
}

// SetMaxLifetime caps the lifetime of tokens issued from now on: a token
// gets min(requested, d), and a non-expiring request gets d. Zero lifts the
// cap.
func (s *Server) SetMaxLifetime(d time.Duration) {
	s.switches.mu.Lock()
	defer s.switches.mu.Unlock()

	s.switches.maxLifetime = d
}

// writeFault answers a request with an injected fault.
func writeFault(w http.ResponseWriter, f Fault) {
	status := f.Status
	if status == 0 {
		status = http.StatusInternalServerError
	}
	body := f.Body
	if body == "" {
		body = artifactoryErrorJSON(status, http.StatusText(status))
	}
	contentType := f.ContentType
	if contentType == "" {
		contentType = guessContentType(body)
	}
	if f.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.FormatInt(ceilSeconds(f.RetryAfter), 10))
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

func guessContentType(body string) string {
	if json.Valid([]byte(body)) {
		return "application/json"
	}
	return "text/plain"
}

func ceilSeconds(d time.Duration) int64 {
	return int64((d + time.Second - 1) / time.Second)
}

// dropConnection closes the client's connection without an answer. When
// the connection cannot be taken over (HTTP/2, or a test recorder) it
// aborts the handler, which makes net/http drop the stream.
func dropConnection(w http.ResponseWriter) {
	if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
		_ = conn.Close()
		return
	}
	panic(http.ErrAbortHandler)
}
