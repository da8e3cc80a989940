package emulator_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/artifactory-token-operator/artifactory-token-operator/internal/artifactory/emulator"
)

const (
	testServiceID = "test-service"
	tokenPath     = "/artifactory/api/security/token"
	revokePath    = "/artifactory/api/security/token/revoke"
	pingPath      = "/artifactory/api/system/ping"
	versionPath   = "/artifactory/api/system/version"
)

// fakeClock is an emulator clock the test moves by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func testUsers() []emulator.User {
	return []emulator.User{
		{Name: "admin", Password: "admin-pw", Admin: true},
		{Name: "alice", Password: "alice-pw", Groups: []string{"readers", "writers"}},
		{Name: "bob", Password: "bob-pw", Groups: []string{"readers"}},
	}
}

// startEmulator serves an emulator with the test users on a loopback port,
// on a fake clock; configure may change the Config first.
func startEmulator(t *testing.T, configure func(*emulator.Config)) (*emulator.Server, *fakeClock) {
	t.Helper()
	clock := newFakeClock()
	cfg := emulator.Config{Users: testUsers(), ServiceID: testServiceID, Now: clock.Now}
	if configure != nil {
		configure(&cfg)
	}
	s, err := emulator.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if _, err := s.Start(); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s, clock
}

// auth sets a request's credentials; nil sends none.
type auth func(*http.Request)

func basic(user, password string) auth {
	return func(r *http.Request) { r.SetBasicAuth(user, password) }
}

func bearer(token string) auth {
	return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+token) }
}

var (
	asAdmin = basic("admin", "admin-pw")
	asAlice = basic("alice", "alice-pw")
	asBob   = basic("bob", "bob-pw")
)

type response struct {
	status int
	header http.Header
	body   string
}

var testClient = &http.Client{Timeout: 10 * time.Second}

// send makes one request; a non-nil form goes form-encoded.
func send(t *testing.T, s *emulator.Server, method, path string, a auth,
	form url.Values) response {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, s.URL()+path, body)
	if err != nil {
		t.Fatalf("build request: %v", err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if a != nil {
		a(req)
	}
	return roundTrip(t, req)
}

func roundTrip(t *testing.T, req *http.Request) response {
	t.Helper()
	resp, err := testClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body of %s %s: %v", req.Method, req.URL.Path, err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

// tokenAnswer is the legacy create/refresh answer, with expires_in a
// pointer so a missing field shows.
type tokenAnswer struct {
	AccessToken  string `json:"access_token"`
	ExpiresIn    *int64 `json:"expires_in"`
	Scope        string `json:"scope"`
	TokenType    string `json:"token_type"`
	RefreshToken string `json:"refresh_token"`
}

// mustToken posts form to the token endpoint and decodes the 200 answer.
func mustToken(t *testing.T, s *emulator.Server, a auth, form url.Values) tokenAnswer {
	t.Helper()
	resp := send(t, s, http.MethodPost, tokenPath, a, form)
	if resp.status != http.StatusOK {
		t.Fatalf("token request %v: status %d, body %s", form, resp.status, resp.body)
	}
	var answer tokenAnswer
	decodeJSON(t, resp.body, &answer)
	if answer.AccessToken == "" || answer.TokenType != "Bearer" || answer.ExpiresIn == nil {
		t.Fatalf("token answer lacks access_token, token_type Bearer or expires_in: %s",
			resp.body)
	}
	return answer
}

func decodeJSON(t *testing.T, body string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("decode %q: %v", body, err)
	}
}

// wantOAuthError checks a {"error","error_description"} answer.
func wantOAuthError(t *testing.T, resp response, status int, code, descContains string) {
	t.Helper()
	if resp.status != status {
		t.Fatalf("status = %d, want %d (body %s)", resp.status, status, resp.body)
	}
	var body map[string]string
	decodeJSON(t, resp.body, &body)
	if body["error"] != code {
		t.Errorf("error = %q, want %q (body %s)", body["error"], code, resp.body)
	}
	if body["error_description"] == "" || !strings.Contains(body["error_description"], descContains) {
		t.Errorf("error_description = %q, want it to contain %q",
			body["error_description"], descContains)
	}
}

// wantArtifactoryError checks an exact {"errors":[{"status","message"}]}
// answer.
func wantArtifactoryError(t *testing.T, resp response, status int, message string) {
	t.Helper()
	if resp.status != status {
		t.Fatalf("status = %d, want %d (body %s)", resp.status, status, resp.body)
	}
	want := `{"errors":[{"status":` + itoa(status) + `,"message":` + quote(message) + `}]}`
	if resp.body != want {
		t.Errorf("body = %s, want %s", resp.body, want)
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// recordFor finds the emulator's record of an access token.
func recordFor(t *testing.T, s *emulator.Server, accessToken string) emulator.TokenRecord {
	t.Helper()
	for _, r := range s.Tokens() {
		if r.AccessToken == accessToken {
			return r
		}
	}
	t.Fatalf("no record for the access token among %d", len(s.Tokens()))
	return emulator.TokenRecord{}
}

func form(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}
