package artifactory

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"
)

// testNow is the clock of every test client.
var testNow = time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)

// makeJWT builds an unsigned-looking JWT around claims.
func makeJWT(t testing.TB, claims map[string]any) string {
	t.Helper()
	payload, err := json.Marshal(claims)
	if err != nil {
		t.Fatalf("marshal claims: %v", err)
	}
	header := `{"ver":"2","typ":"JWT","alg":"RS256","kid":"k1"}`
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(header)) + "." + enc.EncodeToString(payload) + ".c2ln"
}

// seen is a request as a test server received it.
type seen struct {
	Method      string
	Path        string
	ContentType string
	Auth        string
	HasAuth     bool
	Form        url.Values
	Body        string
}

// recorder serves answer and keeps every request it got.
type recorder struct {
	mu     sync.Mutex
	seen   []seen
	answer http.HandlerFunc
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body)) // for answers that echo it
	form, _ := url.ParseQuery(string(body))
	_, hasAuth := r.Header["Authorization"]
	rec.mu.Lock()
	rec.seen = append(rec.seen, seen{
		Method:      r.Method,
		Path:        r.URL.Path,
		ContentType: r.Header.Get("Content-Type"),
		Auth:        r.Header.Get("Authorization"),
		HasAuth:     hasAuth,
		Form:        form,
		Body:        string(body),
	})
	rec.mu.Unlock()
	rec.answer(w, r)
}

func (rec *recorder) requests() []seen {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]seen(nil), rec.seen...)
}

// only returns the single request the server got, failing otherwise.
func (rec *recorder) only(t *testing.T) seen {
	t.Helper()
	got := rec.requests()
	if len(got) != 1 {
		t.Fatalf("server got %d requests, want 1", len(got))
	}
	return got[0]
}

// serve starts a server on 127.0.0.1 answering with answer.
func serve(t *testing.T, answer http.HandlerFunc) (*httptest.Server, *recorder) {
	t.Helper()
	rec := &recorder{answer: answer}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	return srv, rec
}

// newTestClient returns a legacy client for srv with a fixed clock.
func newTestClient(t *testing.T, opts Options) *legacyClient {
	t.Helper()
	c, err := NewLegacy(opts)
	if err != nil {
		t.Fatalf("NewLegacy: %v", err)
	}
	lc := c.(*legacyClient)
	lc.t.now = func() time.Time { return testNow }
	return lc
}

// answerJSON answers status with body as JSON.
func answerJSON(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

// answerText answers status with body and content type ct.
func answerText(status int, ct, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		if ct != "" {
			w.Header().Set("Content-Type", ct)
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

// operation runs one Client call the way a test table names it.
type operation struct {
	name string
	run  func(ctx context.Context, c Client) error
}

func allOperations(refresh RefreshRequest) []operation {
	return []operation{
		{OpCreate, func(ctx context.Context, c Client) error {
			_, err := c.Create(ctx, TokenRequest{Username: "ci", ExpiresIn: time.Hour})
			return err
		}},
		{OpRefresh, func(ctx context.Context, c Client) error {
			_, err := c.Refresh(ctx, refresh)
			return err
		}},
		{OpRevoke, func(ctx context.Context, c Client) error {
			return c.Revoke(ctx, "6b1f0c2e-id")
		}},
		{OpVersion, func(ctx context.Context, c Client) error {
			_, err := c.Version(ctx)
			return err
		}},
	}
}

func ptr[T any](v T) *T { return &v }
