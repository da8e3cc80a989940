package artifactory

import (
	"context"
	"encoding/json"
	"errors"
	"html"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const jsonType = "application/json"

// testReference is shaped like an Artifactory reference token.
var testReference = "cmVmdGtuOjAxOjE3OTYyOTU2MDA6" + strings.Repeat("QmV0YQ", 6)

// newAccessTestClient returns an Access client for opts with a fixed clock.
func newAccessTestClient(t *testing.T, opts Options) *accessClient {
	t.Helper()
	c, err := NewAccess(opts)
	if err != nil {
		t.Fatalf("NewAccess: %v", err)
	}
	ac := c.(*accessClient)
	ac.t.now = func() time.Time { return testNow }
	return ac
}

// jsonBody decodes the JSON object a test server received.
func jsonBody(t *testing.T, got seen) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(got.Body), &m); err != nil {
		t.Fatalf("body %q is not a JSON object: %v", got.Body, err)
	}
	return m
}

func TestAccessCreateSendsJSON(t *testing.T) {
	tests := []struct {
		name     string
		creds    Credentials
		req      TokenRequest
		wantAuth string
		wantBody map[string]any
	}{
		{
			name:     "non-expiring sends expires_in 0 explicitly",
			creds:    basicCreds,
			req:      TokenRequest{Username: "ci"},
			wantAuth: "Basic " + basicCreds.basicValue(),
			wantBody: map[string]any{
				"grant_type": "client_credentials", "username": "ci",
				"expires_in": 0.0, "refreshable": false,
			},
		},
		{
			name:  "every field, bearer token, legacy scope translated",
			creds: tokenCreds,
			req: TokenRequest{
				Username:    "ci-reader",
				Scope:       "member-of-groups:readers,ci api:*",
				ExpiresIn:   time.Hour,
				Refreshable: true,
				Audience:    "*@*",
			},
			wantAuth: "Bearer admin-access-token-value",
			wantBody: map[string]any{
				"grant_type": "client_credentials", "username": "ci-reader",
				"scope":      "applied-permissions/groups:readers,ci",
				"expires_in": 3600.0, "refreshable": true, "audience": "*@*",
			},
		},
		{
			name:     "scope of api:* alone is left out",
			creds:    tokenCreds,
			req:      TokenRequest{Username: "ci", Scope: "api:*", ExpiresIn: time.Minute},
			wantAuth: "Bearer admin-access-token-value",
			wantBody: map[string]any{
				"grant_type": "client_credentials", "username": "ci",
				"expires_in": 60.0, "refreshable": false,
			},
		},
		{
			name:  "expiry truncated to whole seconds",
			creds: basicCreds,
			req: TokenRequest{
				Username:  "ci",
				Scope:     "applied-permissions/user",
				ExpiresIn: 90*time.Minute + 999*time.Millisecond,
			},
			wantAuth: "Basic " + basicCreds.basicValue(),
			wantBody: map[string]any{
				"grant_type": "client_credentials", "username": "ci",
				"scope":      "applied-permissions/user",
				"expires_in": 5400.0, "refreshable": false,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, rec := serve(t, answerJSON(200, `{"token_id":"t1","access_token":"opaque"}`))
			c := newAccessTestClient(t, Options{BaseURL: srv.URL, Credentials: tt.creds})

			if _, err := c.Create(context.Background(), tt.req); err != nil {
				t.Fatalf("Create: %v", err)
			}
			got := rec.only(t)
			assertRequest(t, got, http.MethodPost, "/access/api/v1/tokens", jsonType)
			if got.Auth != tt.wantAuth {
				t.Errorf("Authorization = %q, want %q", got.Auth, tt.wantAuth)
			}
			body := jsonBody(t, got)
			if _, ok := body["expires_in"]; !ok {
				t.Errorf("body %s has no expires_in", got.Body)
			}
			if body["force_revocable"] != true {
				t.Errorf("body %s does not ask for a revocable token", got.Body)
			}
			delete(body, "force_revocable")
			if !reflect.DeepEqual(body, tt.wantBody) {
				t.Errorf("body = %v, want %v", body, tt.wantBody)
			}
		})
	}
}

func TestAccessCreateRefusesBeforeSending(t *testing.T) {
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
			c := newAccessTestClient(t, Options{BaseURL: srv.URL, Credentials: basicCreds})

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

func TestAccessCreateReadsAnswer(t *testing.T) {
	iat := testNow.Add(-time.Minute)
	exp := iat.Add(time.Hour)
	jwt := makeJWT(t, map[string]any{
		"jti": "jti-1", "sub": "jfac@01/users/ci", "iat": iat.Unix(), "exp": exp.Unix(),
		"aud": "*@*", "scp": "applied-permissions/user",
	})
	jwtNoExp := makeJWT(t, map[string]any{"jti": "jti-2", "iat": iat.Unix()})

	tests := []struct {
		name string
		body string
		want IssuedToken
	}{
		{
			name: "every field, reference token kept",
			body: `{"token_id":"tid-1","access_token":"` + jwt + `","refresh_token":"rt-1",` +
				`"expires_in":3600,"scope":"applied-permissions/user","token_type":"Bearer",` +
				`"reference_token":"` + testReference + `"}`,
			want: IssuedToken{
				AccessToken: jwt, RefreshToken: "rt-1", ReferenceToken: testReference,
				TokenType: "Bearer", Scope: "applied-permissions/user",
				ExpiresIn: ptr(int64(3600)), TokenID: "tid-1", IssuedAt: iat, ExpiresAt: &exp,
			},
		},
		{
			name: "no token_id: the jti",
			body: `{"access_token":"` + jwt + `","expires_in":3600}`,
			want: IssuedToken{
				AccessToken: jwt, ExpiresIn: ptr(int64(3600)), TokenID: "jti-1",
				IssuedAt: iat, ExpiresAt: &exp,
			},
		},
		{
			name: "non-expiring: expires_in missing, no exp",
			body: `{"token_id":"tid-2","access_token":"` + jwtNoExp + `","token_type":"Bearer"}`,
			want: IssuedToken{
				AccessToken: jwtNoExp, TokenType: "Bearer", TokenID: "tid-2", IssuedAt: iat,
			},
		},
		{
			name: "expires_in missing but exp present",
			body: `{"token_id":"tid-3","access_token":"` + jwt + `"}`,
			want: IssuedToken{AccessToken: jwt, TokenID: "tid-3", IssuedAt: iat, ExpiresAt: &exp},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := serve(t, answerJSON(200, tt.body))
			c := newAccessTestClient(t, Options{BaseURL: srv.URL, Credentials: tokenCreds})

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

// TestAccessCreateBadAnswerHidesReferenceToken: an answer the client cannot
// use must not carry its reference token into the error.
func TestAccessCreateBadAnswerHidesReferenceToken(t *testing.T) {
	tests := []struct {
		name, body string
	}{
		{"no access token", `{"token_id":"t","reference_token":"` + testReference + `"}`},
		{"not JSON", `{"reference_token":"` + testReference + `",`},
		{"access token of the wrong type", `{"access_token":7,"reference_token":"` +
			testReference + `"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := serve(t, answerJSON(200, tt.body))
			c := newAccessTestClient(t, Options{BaseURL: srv.URL, Credentials: tokenCreds})

			_, err := c.Create(context.Background(), TokenRequest{Username: "ci"})
			if err == nil || !strings.HasPrefix(err.Error(), "artifactory create token: ") {
				t.Fatalf("error = %v, want one about the answer", err)
			}
			assertNoSecretForms(t, err.Error(), testReference)
		})
	}
}

func TestAccessRefresh(t *testing.T) {
	old := makeJWT(t, map[string]any{"jti": "old"})
	fresh := makeJWT(t, map[string]any{"jti": "new", "iat": testNow.Unix()})
	srv, rec := serve(t, answerJSON(200,
		`{"token_id":"tid-new","access_token":"`+fresh+`","refresh_token":"rt-2",`+
			`"token_type":"Bearer","reference_token":"`+testReference+`"}`))
	c := newAccessTestClient(t, Options{BaseURL: srv.URL, Credentials: basicCreds})

	req := RefreshRequest{AccessToken: old, RefreshToken: "rt-1"}
	got, err := c.Refresh(context.Background(), req)
	if err != nil {
		t.Fatalf("Refresh: %v", err)
	}

	sent := rec.only(t)
	assertRequest(t, sent, http.MethodPost, "/access/api/v1/tokens", jsonType)
	if sent.HasAuth {
		t.Errorf("refresh sent Authorization %q; the pair alone must authenticate", sent.Auth)
	}
	want := map[string]any{
		"grant_type": "refresh_token", "refresh_token": "rt-1", "access_token": old,
	}
	if body := jsonBody(t, sent); !reflect.DeepEqual(body, want) {
		t.Errorf("body = %v, want %v", body, want)
	}
	if got.TokenID != "tid-new" || got.RefreshToken != "rt-2" || got.ExpiresAt != nil ||
		got.ReferenceToken != testReference {
		t.Errorf("got %+v", describe(got))
	}
}

func TestAccessRefreshWithoutAccessToken(t *testing.T) {
	srv, rec := serve(t, answerJSON(200, `{"access_token":"opaque"}`))
	c := newAccessTestClient(t, Options{BaseURL: srv.URL})

	req := RefreshRequest{RefreshToken: "rt-1"}
	if _, err := c.Refresh(context.Background(), req); err != nil {
		t.Fatalf("Refresh: %v", err)
	}
	want := map[string]any{"grant_type": "refresh_token", "refresh_token": "rt-1"}
	if body := jsonBody(t, rec.only(t)); !reflect.DeepEqual(body, want) {
		t.Errorf("body = %v, want %v", body, want)
	}
}

func TestAccessRefreshNeedsRefreshToken(t *testing.T) {
	srv, rec := serve(t, answerJSON(200, `{}`))
	c := newAccessTestClient(t, Options{BaseURL: srv.URL})

	for _, req := range []RefreshRequest{{AccessToken: "a-token"}, {}} {
		if _, err := c.Refresh(context.Background(), req); !errors.Is(err, ErrInvalidRequest) {
			t.Errorf("Refresh(%+v) error = %v, want ErrInvalidRequest", req, err)
		}
	}
	if n := len(rec.requests()); n != 0 {
		t.Errorf("server got %d requests, want none", n)
	}
}

// TestAccessRefreshSpent covers the 404 for a refresh token already used:
// a refusal, so the caller mints anew, and no token in the error.
func TestAccessRefreshSpent(t *testing.T) {
	const message = "Token matching the provided refresh token was not found."
	bodies := map[string]string{
		"wrapped": `{"errors":[{"code":"NOT_FOUND","message":"` + message + `"}]}`,
		"flat":    `{"code":"NOT_FOUND","message":"` + message + `"}`,
	}
	req := RefreshRequest{
		AccessToken:  makeJWT(t, map[string]any{"jti": "old"}),
		RefreshToken: "spent-refresh-token-1234",
	}
	for shape, body := range bodies {
		t.Run(shape, func(t *testing.T) {
			srv, _ := serve(t, answerJSON(http.StatusNotFound, body))
			c := newAccessTestClient(t, Options{BaseURL: srv.URL, Credentials: tokenCreds})

			_, err := c.Refresh(context.Background(), req)
			if !IsRefreshRefused(err) {
				t.Errorf("IsRefreshRefused(%v) = false, want true", err)
			}
			if IsUnauthorized(err) {
				t.Errorf("IsUnauthorized(%v) = true, want false", err)
			}
			if err != nil && !strings.Contains(err.Error(), message) {
				t.Errorf("error %q does not carry the server's message", err)
			}
			assertNoSecretForms(t, err.Error(), req.AccessToken, req.RefreshToken)
		})
	}
}

// TestAccessUnsupportedBasic: an Access API that takes no basic auth says
// so with a 401, which must read as refused credentials, not as a refusal
// of the token request itself.
func TestAccessUnsupportedBasic(t *testing.T) {
	const message = "Unsupported authentication method Basic"
	answers := map[string]http.HandlerFunc{
		"wrapped": answerJSON(401, `{"errors":[{"code":"UNAUTHORIZED","message":"`+message+`"}]}`),
		"flat":    answerJSON(401, `{"code":"UNAUTHORIZED","message":"`+message+`"}`),
		"text":    answerText(401, "text/plain", message),
	}
	for shape, answer := range answers {
		t.Run(shape, func(t *testing.T) {
			srv, _ := serve(t, answer)
			c := newAccessTestClient(t, Options{BaseURL: srv.URL, Credentials: basicCreds})

			_, err := c.Create(context.Background(), TokenRequest{Username: "ci"})
			if !IsUnauthorized(err) {
				t.Errorf("IsUnauthorized(%v) = false, want true", err)
			}
			if IsRefreshRefused(err) {
				t.Errorf("IsRefreshRefused(%v) = true for a create", err)
			}
			if err != nil && !strings.Contains(err.Error(), message) {
				t.Errorf("error %q does not carry the server's message", err)
			}
		})
	}
}

func TestAccessRevoke(t *testing.T) {
	const (
		flatNotRevocable = `{"code":"BAD_REQUEST","message":"Token not revocable",` +
			`"detail":"expiry is below the revocable threshold"}`
		wrappedNotRevocable = `{"errors":[{"code":"BAD_REQUEST","message":"Token not revocable"}]}`
	)
	tests := []struct {
		name       string
		answer     http.HandlerFunc
		wantStatus int // 0: no error
		wantNotRev bool
	}{
		{"revoked", answerText(200, "text/plain", "Token revoked"), 0, false},
		{"revoked, no body", answerText(200, "", ""), 0, false},
		{"already revoked", answerText(204, "", ""), 0, false},
		{"unknown token, JSON", answerJSON(404,
			`{"errors":[{"code":"NOT_FOUND","message":"Token not found"}]}`), 404, false},
		{"unknown token, no body", answerText(404, "", ""), 404, false},
		{"unknown token, text", answerText(404, "text/plain", "Not Found"), 404, false},
		{"404 page from a proxy", answerText(404, "text/html",
			"<html><body><h1>404 Not Found</h1></body></html>"), 404, false},
		{"not revocable, flat", answerJSON(400, flatNotRevocable), 400, true},
		{"not revocable, wrapped", answerJSON(400, wrappedNotRevocable), 400, true},
		{"other bad request", answerJSON(400,
			`{"code":"BAD_REQUEST","message":"Bad token id"}`), 400, false},
		{"forbidden", answerJSON(403,
			`{"errors":[{"code":"FORBIDDEN","message":"Forbidden"}]}`), 403, false},
		{"method not allowed", answerText(405, "", ""), 405, false},
		{"server error", answerText(500, "text/plain", "boom"), 500, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, rec := serve(t, tt.answer)
			c := newAccessTestClient(t, Options{BaseURL: srv.URL, Credentials: tokenCreds})

			err := c.Revoke(context.Background(), "6b1f-id")
			req := rec.only(t)
			assertRequest(t, req, http.MethodDelete, "/access/api/v1/tokens/6b1f-id", "")
			if req.Auth != "Bearer "+tokenCreds.Token {
				t.Errorf("Authorization = %q, want the admin token", req.Auth)
			}
			if req.Body != "" {
				t.Errorf("DELETE sent body %q, want none", req.Body)
			}

			if tt.wantStatus == 0 {
				if err != nil {
					t.Fatalf("Revoke: %v", err)
				}
				return
			}
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != tt.wantStatus ||
				apiErr.Op != OpRevoke {
				t.Fatalf("error = %v, want an APIError of %s with status %d",
					err, OpRevoke, tt.wantStatus)
			}
			wantUnknown := tt.wantStatus == 404 && !strings.Contains(tt.name, "page")
			if IsTokenUnknown(err) != wantUnknown {
				t.Errorf("IsTokenUnknown(%v) = %v, want %v", err, !wantUnknown, wantUnknown)
			}
			if got := IsNotRevocable(err); got != tt.wantNotRev {
				t.Errorf("IsNotRevocable(%v) = %v, want %v", err, got, tt.wantNotRev)
			}
		})
	}
}

func TestAccessRevokeEscapesID(t *testing.T) {
	var uri atomic.Value
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		uri.Store(r.RequestURI)
		w.WriteHeader(http.StatusNoContent)
	})
	c := newAccessTestClient(t, Options{BaseURL: srv.URL + "/prefix", Credentials: tokenCreds})

	if err := c.Revoke(context.Background(), "a/b c?d#e"); err != nil {
		t.Fatalf("Revoke: %v", err)
	}
	if got, want := uri.Load(), "/prefix/access/api/v1/tokens/a%2Fb%20c%3Fd%23e"; got != want {
		t.Errorf("request URI = %v, want %s", got, want)
	}
}

func TestAccessRevokeRefusesBadID(t *testing.T) {
	srv, rec := serve(t, answerText(200, "", ""))
	c := newAccessTestClient(t, Options{BaseURL: srv.URL, Credentials: tokenCreds})

	for _, id := range []string{"", " ", "\t\n", ".", ".."} {
		if err := c.Revoke(context.Background(), id); !errors.Is(err, ErrInvalidRequest) {
			t.Errorf("Revoke(%q) error = %v, want ErrInvalidRequest", id, err)
		}
	}
	if n := len(rec.requests()); n != 0 {
		t.Errorf("server got %d requests, want none", n)
	}
}

func TestAccessVersion(t *testing.T) {
	tests := []struct {
		name     string
		creds    Credentials
		wantAuth bool
	}{
		{"anonymous", Credentials{}, false},
		{"with credentials", tokenCreds, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, rec := serve(t, answerJSON(200, `{"version":"7.90.0","revision":"79000900"}`))
			c := newAccessTestClient(t, Options{BaseURL: srv.URL, Credentials: tt.creds})

			got, err := c.Version(context.Background())
			if err != nil || got != "7.90.0" {
				t.Fatalf("Version = %q, %v; want 7.90.0", got, err)
			}
			req := rec.only(t)
			assertRequest(t, req, http.MethodGet, "/artifactory/api/system/version", "")
			if req.HasAuth != tt.wantAuth {
				t.Errorf("sent Authorization: %v, want %v", req.HasAuth, tt.wantAuth)
			}
		})
	}
}

func TestAccessTimeout(t *testing.T) {
	const timeout = 100 * time.Millisecond
	srv, _ := serve(t, func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() })

	refresh := RefreshRequest{AccessToken: "a-tok", RefreshToken: "r-tok"}
	for _, op := range allOperations(refresh) {
		t.Run(op.name, func(t *testing.T) {
			c := newAccessTestClient(t, Options{
				BaseURL: srv.URL, Credentials: basicCreds, Timeout: timeout,
			})
			err := op.run(context.Background(), c)
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("error = %v, want a deadline exceeded", err)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "artifactory "+op.name+": ") {
				t.Errorf("error %q does not name the operation", err)
			}
		})
	}
}

func TestAccessRedirectIsReportedNotFollowed(t *testing.T) {
	srv, rec := serve(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://elsewhere.example"+accessTokensPath, http.StatusFound)
	})
	c := newAccessTestClient(t, Options{BaseURL: srv.URL, Credentials: basicCreds})

	_, err := c.Create(context.Background(), TokenRequest{Username: "ci"})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusFound {
		t.Fatalf("error = %v, want an APIError with status 302", err)
	}
	if n := len(rec.requests()); n != 1 {
		t.Errorf("server got %d requests, want 1", n)
	}
}

func TestNewAccessRefusesBadOptions(t *testing.T) {
	tests := []struct {
		name string
		opts Options
	}{
		{"no URL", Options{}},
		{"bad scheme", Options{BaseURL: "ftp://acme"}},
		{"half basic auth", Options{
			BaseURL: "https://acme", Credentials: Credentials{Username: "a"}}},
		{"negative timeout", Options{BaseURL: "https://acme", Timeout: -time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewAccess(tt.opts); err == nil {
				t.Error("NewAccess succeeded, want an error")
			}
		})
	}
}

// TestAccessErrorsNeverContainSecrets makes servers echo everything they
// were sent, and a reference token they issued, in every error shape and
// in the ways JSON encoders escape it, and checks no error string carries
// a secret.
func TestAccessErrorsNeverContainSecrets(t *testing.T) {
	password := "Tr0ub4dor&3 horse"
	adminToken := "opaque-admin-token-0123456789abcdef"
	refresh := RefreshRequest{
		AccessToken:  makeJWT(t, map[string]any{"jti": "old", "sub": "u"}),
		RefreshToken: "rT0k+en/with=Special&chars<>",
	}
	secrets := []string{
		password, adminToken, refresh.AccessToken, refresh.RefreshToken, testReference,
	}

	echoes := map[string]func(w http.ResponseWriter, echo string){
		"errors array": func(w http.ResponseWriter, echo string) {
			writeJSON(w, 400, map[string]any{"errors": []map[string]any{
				{"code": "BAD_REQUEST", "message": echo}}})
		},
		"flat JSON": func(w http.ResponseWriter, echo string) {
			writeJSON(w, 400, map[string]string{"code": "BAD", "message": echo, "detail": echo})
		},
		"not found": func(w http.ResponseWriter, echo string) {
			writeJSON(w, 404, map[string]any{"errors": []map[string]any{
				{"code": "NOT_FOUND", "message": echo}}})
		},
		"JSON re-encoded in text": func(w http.ResponseWriter, echo string) {
			quoted, _ := json.Marshal(echo)
			slashed := strings.ReplaceAll(string(quoted), "/", `\/`)
			w.WriteHeader(500)
			_, _ = io.WriteString(w, string(quoted)+" "+slashed)
		},
		"HTML": func(w http.ResponseWriter, echo string) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(502)
			_, _ = io.WriteString(w, "<html><pre>"+html.EscapeString(echo)+"</pre></html>")
		},
		"redirect": func(w http.ResponseWriter, echo string) {
			w.Header().Set("Location", "https://elsewhere.example/?"+url.QueryEscape(echo))
			w.WriteHeader(http.StatusFound)
		},
	}

	for shape, write := range echoes {
		for _, op := range allOperations(refresh) {
			t.Run(shape+"/"+op.name, func(t *testing.T) {
				srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
					write(w, echoRequest(r, password)+" ref="+testReference)
				})
				for _, creds := range []Credentials{
					{Username: "admin", Password: password},
					{Token: adminToken},
					{Token: testReference},
				} {
					c := newAccessTestClient(t, Options{BaseURL: srv.URL, Credentials: creds})
					err := op.run(context.Background(), c)
					if shape == "not found" && op.name == OpRevoke && !IsTokenUnknown(err) {
						t.Errorf("Revoke of an unknown token: %v, want ErrTokenUnknown", err)
					}
					if err == nil {
						t.Fatal("call succeeded, want an error")
					}
					assertNoSecretForms(t, err.Error(), append(secrets, creds.basicValue())...)
				}
			})
		}
	}
}

// assertNoSecretForms fails if msg holds any of secrets as written or in
// any of the escaped forms a server may echo it in.
func assertNoSecretForms(t *testing.T, msg string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		quoted, _ := json.Marshal(s)
		inJSON := string(quoted[1 : len(quoted)-1])
		forms := []string{
			s, url.QueryEscape(s), url.PathEscape(s), html.EscapeString(s), inJSON,
			strings.ReplaceAll(inJSON, "/", `\/`),
		}
		for _, form := range forms {
			if strings.Contains(msg, form) {
				t.Errorf("error contains secret %q:\n%s", form, msg)
			}
		}
	}
}
