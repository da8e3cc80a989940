package artifactory

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const formType = "application/x-www-form-urlencoded"

var (
	basicCreds = Credentials{Username: "admin", Password: "s3cret-Passw0rd"}
	tokenCreds = Credentials{Token: "admin-access-token-value"}
)

func TestLegacyCreateSendsForm(t *testing.T) {
	tests := []struct {
		name     string
		creds    Credentials
		req      TokenRequest
		wantAuth string
		wantForm url.Values
	}{
		{
			name:     "non-expiring sends expires_in=0 explicitly",
			creds:    basicCreds,
			req:      TokenRequest{Username: "ci"},
			wantAuth: "Basic " + basicCreds.basicValue(),
			wantForm: url.Values{
				"grant_type":  {"client_credentials"},
				"username":    {"ci"},
				"expires_in":  {"0"},
				"refreshable": {"false"},
			},
		},
		{
			name:  "every field, bearer token",
			creds: tokenCreds,
			req: TokenRequest{
				Username:    "ci-reader",
				Scope:       "member-of-groups:readers api:*",
				ExpiresIn:   time.Hour,
				Refreshable: true,
				Audience:    "jfrt@*",
			},
			wantAuth: "Bearer admin-access-token-value",
			wantForm: url.Values{
				"grant_type":  {"client_credentials"},
				"username":    {"ci-reader"},
				"scope":       {"member-of-groups:readers api:*"},
				"expires_in":  {"3600"},
				"refreshable": {"true"},
				"audience":    {"jfrt@*"},
			},
		},
		{
			name:  "expiry truncated to whole seconds",
			creds: basicCreds,
			req: TokenRequest{
				Username:  "ci",
				ExpiresIn: 90*time.Minute + 999*time.Millisecond,
			},
			wantAuth: "Basic " + basicCreds.basicValue(),
			wantForm: url.Values{
				"grant_type":  {"client_credentials"},
				"username":    {"ci"},
				"expires_in":  {"5400"},
				"refreshable": {"false"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, rec := serve(t, answerJSON(200, `{"access_token":"opaque","expires_in":0}`))
			c := newTestClient(t, Options{BaseURL: srv.URL, Credentials: tt.creds})

			if _, err := c.Create(context.Background(), tt.req); err != nil {
				t.Fatalf("Create: %v", err)
			}
			got := rec.only(t)
			assertRequest(t, got, http.MethodPost, "/artifactory/api/security/token", formType)
			if got.Auth != tt.wantAuth {
				t.Errorf("Authorization = %q, want %q", got.Auth, tt.wantAuth)
			}
			if !reflect.DeepEqual(got.Form, tt.wantForm) {
				t.Errorf("form = %v, want %v", got.Form, tt.wantForm)
			}
		})
	}
}

func TestLegacyCreateRefusesBeforeSending(t *testing.T) {
	tests := []struct {
		name string
		req  TokenRequest
	}{
		{"no username", TokenRequest{ExpiresIn: time.Hour}},
		{"negative expiry", TokenRequest{Username: "ci", ExpiresIn: -time.Second}},
		{"sub-second expiry would mean never",
			TokenRequest{Username: "ci", ExpiresIn: 500 * time.Millisecond}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, rec := serve(t, answerJSON(200, `{}`))
			c := newTestClient(t, Options{BaseURL: srv.URL, Credentials: basicCreds})

			_, err := c.Create(context.Background(), tt.req)
			if !errors.Is(err, ErrInvalidRequest) {
				t.Errorf("error = %v, want ErrInvalidRequest", err)
			}
			if n := len(rec.requests()); n != 0 {
				t.Errorf("server got %d requests, want none", n)
			}
		})
	}
}

func TestLegacyCreateReadsAnswer(t *testing.T) {
	iat := testNow.Add(-time.Minute)
	exp := iat.Add(time.Hour)
	jwt := makeJWT(t, map[string]any{
		"jti": "jti-1", "sub": "jfrt@01/users/ci", "iat": iat.Unix(), "exp": exp.Unix(),
		"aud": "jfrt@01", "scp": "api:*",
	})
	jwtNoExp := makeJWT(t, map[string]any{"jti": "jti-2", "iat": iat.Unix()})
	jwtNoIat := makeJWT(t, map[string]any{"jti": "jti-3"})
	reference := "cmVmdGtuOjAxOjE3MDAwMDAwMDA6" + strings.Repeat("A", 36)

	tests := []struct {
		name string
		body string
		want IssuedToken
	}{
		{
			name: "JWT with exp: id from jti, times from claims",
			body: `{"access_token":"` + jwt + `","expires_in":3600,"scope":"api:*",` +
				`"token_type":"Bearer","refresh_token":"rt-1"}`,
			want: IssuedToken{
				AccessToken: jwt, RefreshToken: "rt-1", TokenType: "Bearer", Scope: "api:*",
				ExpiresIn: ptr(int64(3600)), TokenID: "jti-1", IssuedAt: iat, ExpiresAt: &exp,
			},
		},
		{
			name: "token_id wins over jti",
			body: `{"access_token":"` + jwt + `","token_id":"tid-9","expires_in":3600}`,
			want: IssuedToken{
				AccessToken: jwt, ExpiresIn: ptr(int64(3600)), TokenID: "tid-9",
				IssuedAt: iat, ExpiresAt: &exp,
			},
		},
		{
			name: "non-expiring JWT: expires_in 0, no exp",
			body: `{"access_token":"` + jwtNoExp + `","expires_in":0}`,
			want: IssuedToken{
				AccessToken: jwtNoExp, ExpiresIn: ptr(int64(0)), TokenID: "jti-2", IssuedAt: iat,
			},
		},
		{
			name: "JWT without iat or exp: counted from now",
			body: `{"access_token":"` + jwtNoIat + `","expires_in":600}`,
			want: IssuedToken{
				AccessToken: jwtNoIat, ExpiresIn: ptr(int64(600)), TokenID: "jti-3",
				IssuedAt: testNow, ExpiresAt: ptr(testNow.Add(10 * time.Minute)),
			},
		},
		{
			name: "reference token: no claims, no id",
			body: `{"access_token":"` + reference + `","expires_in":3600}`,
			want: IssuedToken{
				AccessToken: reference, ExpiresIn: ptr(int64(3600)),
				IssuedAt: testNow, ExpiresAt: ptr(testNow.Add(time.Hour)),
			},
		},
		{
			name: "expires_in absent and no exp: never expires",
			body: `{"access_token":"opaque","token_id":"tid"}`,
			want: IssuedToken{AccessToken: "opaque", TokenID: "tid", IssuedAt: testNow},
		},
		{
			name: "refreshable answered without refresh_token",
			body: `{"access_token":"opaque","expires_in":"60"}`,
			want: IssuedToken{
				AccessToken: "opaque", ExpiresIn: ptr(int64(60)),
				IssuedAt: testNow, ExpiresAt: ptr(testNow.Add(time.Minute)),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := serve(t, answerJSON(200, tt.body))
			c := newTestClient(t, Options{BaseURL: srv.URL, Credentials: basicCreds})

			got, err := c.Create(context.Background(), TokenRequest{Username: "ci"})
			if err != nil {
				t.Fatalf("Create: %v", err)
			}
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", describe(got), describe(&tt.want))
			}
		})
	}
}

func TestLegacyCreateBadAnswer(t *testing.T) {
	tests := []struct {
		name, body string
	}{
		{"not JSON", `<html>ok</html>`},
		{"no access token", `{"expires_in":3600}`},
		{"empty", ``},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := serve(t, answerJSON(200, tt.body))
			c := newTestClient(t, Options{BaseURL: srv.URL, Credentials: basicCreds})

			_, err := c.Create(context.Background(), TokenRequest{Username: "ci"})
			if err == nil || !strings.HasPrefix(err.Error(), "artifactory create token: ") {
				t.Errorf("error = %v, want one about the answer", err)
			}
		})
	}
}

func TestLegacyRefresh(t *testing.T) {
	old := makeJWT(t, map[string]any{"jti": "old"})
	fresh := makeJWT(t, map[string]any{"jti": "new", "iat": testNow.Unix()})
	srv, rec := serve(t, answerJSON(200,
		`{"access_token":"`+fresh+`","refresh_token":"rt-2","expires_in":0,`+
			`"token_type":"Bearer"}`))
	c := newTestClient(t, Options{BaseURL: srv.URL, Credentials: basicCreds})

	req := RefreshRequest{AccessToken: old, RefreshToken: "rt-1"}
	got, err := c.Refresh(context.Background(), req)
	if err != nil {
		t.Fatalf("Refresh: %v", err)
	}

	sent := rec.only(t)
	assertRequest(t, sent, http.MethodPost, "/artifactory/api/security/token", formType)
	if sent.HasAuth {
		t.Errorf("refresh sent Authorization %q; the pair alone must authenticate", sent.Auth)
	}
	wantForm := url.Values{
		"grant_type":    {"refresh_token"},
		"refresh_token": {"rt-1"},
		"access_token":  {old},
	}
	if !reflect.DeepEqual(sent.Form, wantForm) {
		t.Errorf("form = %v, want %v", sent.Form, wantForm)
	}
	if got.TokenID != "new" || got.RefreshToken != "rt-2" || got.ExpiresAt != nil {
		t.Errorf("got %+v", describe(got))
	}
}

func TestLegacyRefreshNeedsBothTokens(t *testing.T) {
	tests := []RefreshRequest{
		{AccessToken: "a-token"},
		{RefreshToken: "r-token"},
		{},
	}
	for _, req := range tests {
		srv, rec := serve(t, answerJSON(200, `{}`))
		c := newTestClient(t, Options{BaseURL: srv.URL})

		if _, err := c.Refresh(context.Background(), req); !errors.Is(err, ErrInvalidRequest) {
			t.Errorf("Refresh(%+v) error = %v, want ErrInvalidRequest", req, err)
		}
		if n := len(rec.requests()); n != 0 {
			t.Errorf("server got %d requests, want none", n)
		}
	}
}

func TestLegacyRevoke(t *testing.T) {
	tests := []struct {
		name   string
		answer http.HandlerFunc
	}{
		{"revoked", answerText(200, "text/plain", "Token revoked")},
		{"unknown token is 200 too", answerText(200, "text/plain", "Token not found")},
		{"no body", answerText(200, "", "")},
		{"no content", answerText(204, "", "")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, rec := serve(t, tt.answer)
			c := newTestClient(t, Options{BaseURL: srv.URL, Credentials: tokenCreds})

			if err := c.Revoke(context.Background(), "6b1f-id"); err != nil {
				t.Fatalf("Revoke: %v", err)
			}
			req := rec.only(t)
			assertRequest(t, req, http.MethodPost, legacyRevokePath, formType)
			if req.Auth != "Bearer "+tokenCreds.Token {
				t.Errorf("Authorization = %q, want the admin token", req.Auth)
			}
			if want := (url.Values{"token_id": {"6b1f-id"}}); !reflect.DeepEqual(req.Form, want) {
				t.Errorf("form = %v, want %v", req.Form, want)
			}
		})
	}
}

func TestLegacyRevokeEmptyIDSendsNothing(t *testing.T) {
	srv, rec := serve(t, answerText(200, "", ""))
	c := newTestClient(t, Options{BaseURL: srv.URL, Credentials: tokenCreds})

	if err := c.Revoke(context.Background(), ""); !errors.Is(err, ErrInvalidRequest) {
		t.Errorf("error = %v, want ErrInvalidRequest", err)
	}
	if n := len(rec.requests()); n != 0 {
		t.Errorf("server got %d requests, want none", n)
	}
}

func TestVersion(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		want    string
		wantErr bool
	}{
		{"version", `{"version":"7.90.0","revision":"79000900","addons":["build"]}`,
			"7.90.0", false},
		{"no version", `{"revision":"1"}`, "", true},
		{"not JSON", `7.90.0`, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, rec := serve(t, answerJSON(200, tt.body))
			c := newTestClient(t, Options{BaseURL: srv.URL + "/artifactory/"})

			got, err := c.Version(context.Background())
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Fatalf("Version = %q, %v; want %q, error %v", got, err, tt.want, tt.wantErr)
			}
			req := rec.only(t)
			assertRequest(t, req, http.MethodGet, "/artifactory/api/system/version", "")
			if req.HasAuth {
				t.Errorf("anonymous client sent Authorization %q", req.Auth)
			}
		})
	}
}

// TestTimeout runs every call against a server that never finishes its
// answer: each must give up after the configured timeout.
func TestTimeout(t *testing.T) {
	const timeout = 150 * time.Millisecond
	hangs := map[string]func(w http.ResponseWriter, r *http.Request){
		"before the headers": func(http.ResponseWriter, *http.Request) {},
		"in the body": func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(200)
			_, _ = w.Write([]byte(`{"access_token":`))
			w.(http.Flusher).Flush()
		},
	}
	for hang, start := range hangs {
		refresh := RefreshRequest{AccessToken: "a-tok", RefreshToken: "r-tok"}
		for _, op := range allOperations(refresh) {
			t.Run(hang+"/"+op.name, func(t *testing.T) {
				release := make(chan struct{})
				srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
					start(w, r)
					select {
					case <-r.Context().Done():
					case <-release:
					}
				})
				t.Cleanup(func() { close(release) }) // runs before srv.Close
				c := newTestClient(t, Options{
					BaseURL: srv.URL, Credentials: basicCreds, Timeout: timeout,
				})

				began := time.Now()
				err := op.run(context.Background(), c)
				elapsed := time.Since(began)

				if !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("error = %v, want a deadline exceeded", err)
				}
				if elapsed > 20*timeout {
					t.Errorf("call took %v with a timeout of %v", elapsed, timeout)
				}
				if err != nil && !strings.HasPrefix(err.Error(), "artifactory "+op.name+": ") {
					t.Errorf("error %q does not name the operation", err)
				}
			})
		}
	}
}

func TestDefaultTimeout(t *testing.T) {
	c := newTestClient(t, Options{BaseURL: "https://acme.jfrog.io"})
	if c.t.timeout != DefaultTimeout {
		t.Errorf("timeout = %v, want %v", c.t.timeout, DefaultTimeout)
	}
	if c.t.userAgent != DefaultUserAgent {
		t.Errorf("user agent = %q, want %q", c.t.userAgent, DefaultUserAgent)
	}
}

// TestReusesClientAndConnections checks that the given http.Client carries
// the calls and that answers are drained so one connection serves them all.
func TestReusesClientAndConnections(t *testing.T) {
	var conns atomic.Int32
	rec := &recorder{answer: answerJSON(200, `{"version":"7.90.0"}`)}
	srv := httptest.NewUnstartedServer(rec)
	srv.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)

	var trips atomic.Int32
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		trips.Add(1)
		return srv.Client().Transport.RoundTrip(r)
	})}
	c := newTestClient(t, Options{BaseURL: srv.URL, HTTPClient: hc, UserAgent: "test-agent/1"})

	for range 3 {
		if _, err := c.Version(context.Background()); err != nil {
			t.Fatalf("Version: %v", err)
		}
	}
	if n := trips.Load(); n != 3 {
		t.Errorf("given client carried %d requests, want 3", n)
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("server saw %d connections, want 1 kept alive", n)
	}
}

func TestUserAgent(t *testing.T) {
	var agent atomic.Value
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		agent.Store(r.Header.Get("User-Agent"))
		answerJSON(200, `{"version":"7.90.0"}`)(w, r)
	})
	c := newTestClient(t, Options{BaseURL: srv.URL, UserAgent: "test-agent/1"})

	if _, err := c.Version(context.Background()); err != nil {
		t.Fatalf("Version: %v", err)
	}
	if got := agent.Load(); got != "test-agent/1" {
		t.Errorf("User-Agent = %v, want test-agent/1", got)
	}
}

func TestRedirectIsReportedNotFollowed(t *testing.T) {
	srv, rec := serve(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://elsewhere.example"+legacyTokenPath, http.StatusFound)
	})
	c := newTestClient(t, Options{BaseURL: srv.URL, Credentials: basicCreds})

	_, err := c.Create(context.Background(), TokenRequest{Username: "ci"})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusFound {
		t.Fatalf("error = %v, want an APIError with status 302", err)
	}
	if !strings.Contains(apiErr.Message, "https://elsewhere.example/") {
		t.Errorf("message %q does not name the new address", apiErr.Message)
	}
	if n := len(rec.requests()); n != 1 {
		t.Errorf("server got %d requests, want 1", n)
	}
}

func TestNewLegacyRefusesBadOptions(t *testing.T) {
	tests := []struct {
		name string
		opts Options
	}{
		{"no URL", Options{}},
		{"bad scheme", Options{BaseURL: "ftp://acme"}},
		{"half basic auth", Options{
			BaseURL: "https://acme", Credentials: Credentials{Username: "a"}}},
		{"both kinds", Options{BaseURL: "https://acme", Credentials: Credentials{
			Username: "a", Password: "b", Token: "c"}}},
		{"negative timeout", Options{BaseURL: "https://acme", Timeout: -time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewLegacy(tt.opts); err == nil {
				t.Error("NewLegacy succeeded, want an error")
			}
		})
	}
}

func assertRequest(t *testing.T, got seen, method, path, contentType string) {
	t.Helper()
	if got.Method != method || got.Path != path {
		t.Errorf("request = %s %s, want %s %s", got.Method, got.Path, method, path)
	}
	if got.ContentType != contentType {
		t.Errorf("Content-Type = %q, want %q", got.ContentType, contentType)
	}
}

// describe shows an IssuedToken with its pointers followed.
func describe(tok *IssuedToken) map[string]any {
	d := map[string]any{
		"AccessToken": tok.AccessToken, "RefreshToken": tok.RefreshToken,
		"ReferenceToken": tok.ReferenceToken, "TokenType": tok.TokenType,
		"Scope": tok.Scope, "TokenID": tok.TokenID,
		"IssuedAt": tok.IssuedAt, "ExpiresIn": nil, "ExpiresAt": nil,
	}
	if tok.ExpiresIn != nil {
		d["ExpiresIn"] = *tok.ExpiresIn
	}
	if tok.ExpiresAt != nil {
		d["ExpiresAt"] = *tok.ExpiresAt
	}
	return d
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
