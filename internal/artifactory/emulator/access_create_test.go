package emulator_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/artifactory-token-operator/artifactory-token-operator/internal/artifactory/emulator"
)

func TestAccessCreateGrants(t *testing.T) {
	tests := []struct {
		name   string
		caller string // "admin", "alice" or "bob": who the bearer token is for
		body   any
		// want* describe the answer and the record.
		wantUser        string
		wantScope       string
		wantExpiresIn   int64 // 0: never expires, expires_in absent
		wantRefreshable bool
		wantReference   bool
		wantAudience    string
		wantDescription string
		wantProject     string
	}{
		{
			name: "JSON with every default", caller: "admin", body: jsonBody{},
			wantUser: "admin", wantScope: "applied-permissions/user",
			wantExpiresIn: oneYear, wantAudience: "*@*",
		},
		{
			name: "form with every default", caller: "admin", body: form(),
			wantUser: "admin", wantScope: "applied-permissions/user",
			wantExpiresIn: oneYear, wantAudience: "*@*",
		},
		{
			name: "admin for another user, never expiring, refreshable", caller: "admin",
			body: jsonBody{"username": "alice", "scope": "applied-permissions/groups:readers",
				"expires_in": 0, "refreshable": true},
			wantUser: "alice", wantScope: "applied-permissions/groups:readers",
			wantRefreshable: true, wantAudience: "*@*",
		},
		{
			name: "admin scope, audience, description and project", caller: "admin",
			body: jsonBody{"scope": "applied-permissions/admin", "expires_in": 7200,
				"audience": "jfrt@* jfxr@*", "description": "ci", "project_key": "proj"},
			wantUser: "admin", wantScope: "applied-permissions/admin", wantExpiresIn: 7200,
			wantAudience: "jfrt@* jfxr@*", wantDescription: "ci", wantProject: "proj",
		},
		{
			name: "admin for a transient user with groups", caller: "admin",
			body:     form("username", "ci-bot", "scope", "applied-permissions/groups:deployers"),
			wantUser: "ci-bot", wantScope: "applied-permissions/groups:deployers",
			wantExpiresIn: oneYear, wantAudience: "*@*",
		},
		{
			name: "reference token in JSON", caller: "admin",
			body:     jsonBody{"include_reference_token": true},
			wantUser: "admin", wantScope: "applied-permissions/user",
			wantExpiresIn: oneYear, wantReference: true, wantAudience: "*@*",
		},
		{
			name: "reference token in a form", caller: "admin",
			body:     form("include_reference_token", "true", "refreshable", "true"),
			wantUser: "admin", wantScope: "applied-permissions/user", wantExpiresIn: oneYear,
			wantRefreshable: true, wantReference: true, wantAudience: "*@*",
		},
		{
			name: "JSON numbers and booleans given as strings", caller: "admin",
			body:     jsonBody{"expires_in": "600", "refreshable": "true"},
			wantUser: "admin", wantScope: "applied-permissions/user", wantExpiresIn: 600,
			wantRefreshable: true, wantAudience: "*@*",
		},
		{
			name: "non-admin default is cut to the non-admin maximum", caller: "alice",
			body:     jsonBody{},
			wantUser: "alice", wantScope: "applied-permissions/user", wantExpiresIn: 3600,
			wantAudience: "*@*",
		},
		{
			name: "non-admin naming itself, its own groups, at the maximum", caller: "alice",
			body: jsonBody{"username": "alice", "expires_in": 3600,
				"scope": "applied-permissions/groups:readers,writers"},
			wantUser: "alice", wantScope: "applied-permissions/groups:readers,writers",
			wantExpiresIn: 3600, wantAudience: "*@*",
		},
		{
			name: "project role scope", caller: "bob",
			body:     form("scope", "applied-permissions/roles:proj:developer", "expires_in", "60"),
			wantUser: "bob", wantScope: "applied-permissions/roles:proj:developer",
			wantExpiresIn: 60, wantAudience: "*@*",
		},
		{
			name: "repeated scope tokens are answered once", caller: "bob",
			body: form("scope", "applied-permissions/user applied-permissions/user",
				"expires_in", "60"),
			wantUser: "bob", wantScope: "applied-permissions/user",
			wantExpiresIn: 60, wantAudience: "*@*",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, clock := startEmulator(t, nil)
			caller := bearer(legacyToken(t, s, basic(tt.caller, tt.caller+"-pw"), form()))

			answer := mustAccessToken(t, s, caller, tt.body)

			wantExpiresIn(t, answer.ExpiresIn, tt.wantExpiresIn)
			if answer.Scope != tt.wantScope {
				t.Errorf("scope = %q, want %q", answer.Scope, tt.wantScope)
			}
			if got := answer.RefreshToken != ""; got != tt.wantRefreshable {
				t.Errorf("refresh_token present = %v, want %v", got, tt.wantRefreshable)
			}
			wantReferenceToken(t, answer.ReferenceToken, tt.wantReference)
			rec := recordByID(t, s, answer.TokenID)
			want := emulator.TokenRecord{
				ID: answer.TokenID, Username: tt.wantUser, Scope: tt.wantScope,
				Audience: tt.wantAudience, Refreshable: tt.wantRefreshable,
				AccessToken: answer.AccessToken, RefreshToken: answer.RefreshToken,
				ReferenceToken: answer.ReferenceToken, API: emulator.APIAccess,
				Description: tt.wantDescription, ProjectKey: tt.wantProject,
			}
			if got := withoutTimesAndRetention(rec); got != want {
				t.Errorf("record = %+v, want %+v", got, want)
			}
			if !rec.IssuedAt.Equal(clock.Now()) {
				t.Errorf("IssuedAt = %v, want %v", rec.IssuedAt, clock.Now())
			}
			wantExpiry(t, rec.ExpiresAt, rec.IssuedAt, tt.wantExpiresIn)
			if err := s.Validate(answer.AccessToken); err != nil {
				t.Errorf("Validate(issued token) = %v", err)
			}
		})
	}
}

// withoutTimesAndRetention blanks what the grant table does not state.
func withoutTimesAndRetention(rec emulator.TokenRecord) emulator.TokenRecord {
	rec.IssuedAt, rec.ExpiresAt = time.Time{}, nil
	rec.Revocable, rec.Persistent = false, false
	return rec
}

// wantExpiresIn checks an answer's expires_in: absent for 0 (never).
func wantExpiresIn(t *testing.T, got *int64, want int64) {
	t.Helper()
	switch {
	case want == 0 && got != nil:
		t.Errorf("expires_in = %d, want it absent for a token that never expires", *got)
	case want != 0 && (got == nil || *got != want):
		t.Errorf("expires_in = %v, want %d", got, want)
	}
}

// wantReferenceToken checks a reference_token: 64 characters, cmVmd first.
func wantReferenceToken(t *testing.T, ref string, want bool) {
	t.Helper()
	if !want {
		if ref != "" {
			t.Errorf("reference_token = %q, want none", ref)
		}
		return
	}
	if len(ref) != 64 || !strings.HasPrefix(ref, "cmVmd") {
		t.Errorf("reference_token = %q, want 64 characters starting cmVmd", ref)
	}
}

func TestAccessTokenIsAnAccessJWT(t *testing.T) {
	s, clock := startEmulator(t, nil)
	answer := mustAccessToken(t, s, bearer(adminToken(t, s)), jsonBody{"username": "alice",
		"scope": "applied-permissions/groups:readers", "expires_in": 600})

	claims := jwt.MapClaims{}
	token, err := jwt.ParseWithClaims(answer.AccessToken, claims,
		func(*jwt.Token) (any, error) { return s.PublicKey(), nil },
		jwt.WithValidMethods([]string{"RS256"}), jwt.WithTimeFunc(clock.Now))
	if err != nil {
		t.Fatalf("verify the token with the emulator's public key: %v", err)
	}

	if token.Header["ver"] != "2" || token.Header["typ"] != "JWT" {
		t.Errorf("header = %v, want ver 2 and typ JWT", token.Header)
	}
	want := map[string]any{
		"sub": "jfac@" + testServiceID + "/users/alice",
		"iss": "jfac@" + testServiceID,
		"jti": answer.TokenID,
		"scp": "applied-permissions/groups:readers",
		"aud": "*@*",
		"iat": float64(clock.Now().Unix()),
		"exp": float64(clock.Now().Unix() + 600),
	}
	for k, v := range want {
		if claims[k] != v {
			t.Errorf("claim %s = %v, want %v", k, claims[k], v)
		}
	}
}

func TestAccessCreateRefusals(t *testing.T) {
	tests := []struct {
		name        string
		configure   func(*emulator.Config)
		caller      string // "admin", "alice", "bob", or "" for no credentials
		contentType string // overrides the body's
		body        any
		wantStatus  int
		wantCode    string
		wantMessage string // part of the message
	}{
		{name: "non-admin naming another user", caller: "alice",
			body: jsonBody{"username": "bob"}, wantStatus: 403, wantCode: "FORBIDDEN",
			wantMessage: "other users"},
		{name: "non-admin naming a group it is not in", caller: "bob",
			body:       form("scope", "applied-permissions/groups:readers,writers"),
			wantStatus: 403, wantCode: "FORBIDDEN", wantMessage: "writers"},
		{name: "non-admin asking for the admin scope", caller: "alice",
			body:       jsonBody{"scope": "applied-permissions/admin", "expires_in": 60},
			wantStatus: 403, wantCode: "FORBIDDEN", wantMessage: "applied-permissions/admin"},
		{name: "non-admin asking never to expire", caller: "alice",
			body: jsonBody{"expires_in": 0}, wantStatus: 403, wantCode: "FORBIDDEN",
			wantMessage: "never expire"},
		{name: "non-admin beyond its maximum", caller: "alice",
			body: form("expires_in", "3601"), wantStatus: 403, wantCode: "FORBIDDEN",
			wantMessage: "3600 seconds"},
		{name: "non-admin beyond a configured maximum",
			configure: func(c *emulator.Config) { c.NonAdminMaxExpiry = 10 * time.Minute },
			caller:    "alice", body: jsonBody{"expires_in": 601},
			wantStatus: 403, wantCode: "FORBIDDEN", wantMessage: "600 seconds"},
		{name: "non-admin without a maximum of its own",
			configure: func(c *emulator.Config) { c.NonAdminMaxExpiry = -1 },
			caller:    "alice", body: jsonBody{"expires_in": 7 * 24 * 3600},
			wantStatus: 200},
		{name: "non-admin held to MaxExpiry",
			configure: func(c *emulator.Config) {
				c.NonAdminMaxExpiry, c.MaxExpiry = -1, 24*time.Hour
			},
			caller: "alice", body: jsonBody{"expires_in": 24*3600 + 1},
			wantStatus: 403, wantCode: "FORBIDDEN", wantMessage: "86400 seconds"},
		{name: "admin beyond MaxExpiry",
			configure: func(c *emulator.Config) { c.MaxExpiry = 24 * time.Hour },
			caller:    "admin", body: jsonBody{"expires_in": 24*3600 + 1},
			wantStatus: 403, wantCode: "FORBIDDEN", wantMessage: "86400 seconds"},
		{name: "admin never expiring under MaxExpiry",
			configure: func(c *emulator.Config) { c.MaxExpiry = 24 * time.Hour },
			caller:    "admin", body: jsonBody{"expires_in": 0},
			wantStatus: 403, wantCode: "FORBIDDEN", wantMessage: "never"},
		{name: "legacy member-of-groups scope", caller: "admin",
			body:       form("scope", "member-of-groups:readers"),
			wantStatus: 400, wantCode: "BAD_REQUEST", wantMessage: "member-of-groups"},
		{name: "legacy api scope", caller: "admin", body: jsonBody{"scope": "api:*"},
			wantStatus: 400, wantCode: "BAD_REQUEST", wantMessage: "api:*"},
		{name: "empty group name", caller: "admin",
			body:       jsonBody{"scope": "applied-permissions/groups:readers,"},
			wantStatus: 400, wantCode: "BAD_REQUEST", wantMessage: "empty group"},
		{name: "role scope without a role", caller: "admin",
			body:       jsonBody{"scope": "applied-permissions/roles:proj"},
			wantStatus: 400, wantCode: "BAD_REQUEST", wantMessage: "roles:proj"},
		{name: "transient user without groups", caller: "admin",
			body: jsonBody{"username": "ghost"}, wantStatus: 400, wantCode: "BAD_REQUEST",
			wantMessage: "ghost"},
		{name: "expires_in not a number", caller: "admin", body: form("expires_in", "1h"),
			wantStatus: 400, wantCode: "BAD_REQUEST", wantMessage: "expires_in"},
		{name: "expires_in negative", caller: "admin", body: jsonBody{"expires_in": -5},
			wantStatus: 400, wantCode: "BAD_REQUEST", wantMessage: "expires_in"},
		{name: "expires_in a fraction", caller: "admin", body: jsonBody{"expires_in": 1.5},
			wantStatus: 400, wantCode: "BAD_REQUEST", wantMessage: "expires_in"},
		{name: "refreshable not a boolean", caller: "admin",
			body: jsonBody{"refreshable": "maybe"}, wantStatus: 400, wantCode: "BAD_REQUEST",
			wantMessage: "refreshable"},
		{name: "field holding an object", caller: "admin",
			body: jsonBody{"scope": map[string]any{}}, wantStatus: 400,
			wantCode: "BAD_REQUEST", wantMessage: "scope"},
		{name: "audience not a service id", caller: "admin",
			body: jsonBody{"audience": "artifactory"}, wantStatus: 400,
			wantCode: "BAD_REQUEST", wantMessage: "artifactory"},
		{name: "unsupported grant type", caller: "admin",
			body: jsonBody{"grant_type": "password"}, wantStatus: 400,
			wantCode: "BAD_REQUEST", wantMessage: "password"},
		{name: "malformed JSON", caller: "admin", contentType: "application/json",
			body: form("a", "b"), wantStatus: 400, wantCode: "BAD_REQUEST",
			wantMessage: "JSON"},
		{name: "unsupported content type", caller: "admin", contentType: "text/plain",
			body: form(), wantStatus: 415, wantCode: "UNSUPPORTED_MEDIA_TYPE",
			wantMessage: "text/plain"},
		{name: "no credentials", body: jsonBody{}, wantStatus: 401,
			wantCode: "UNAUTHORIZED", wantMessage: "Authentication is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, _ := startEmulator(t, tt.configure)
			var caller auth
			if tt.caller != "" {
				caller = bearer(legacyToken(t, s, basic(tt.caller, tt.caller+"-pw"), form()))
			}
			before := len(s.Tokens())
			if tt.contentType != "" {
				caller = withContentType(caller, tt.contentType)
			}

			resp := sendBody(t, s, http.MethodPost, accessTokensPath, caller, tt.body)

			if tt.wantStatus == 200 {
				if resp.status != 200 {
					t.Fatalf("status = %d, want 200 (body %s)", resp.status, resp.body)
				}
				return
			}
			wantAccessError(t, resp, tt.wantStatus, tt.wantCode, tt.wantMessage)
			if n := len(s.Tokens()) - before; n != 0 {
				t.Errorf("a refused request issued %d tokens", n)
			}
		})
	}
}

// withContentType sends the credentials of a (if any) and overrides the
// Content-Type the body would set.
func withContentType(a auth, contentType string) auth {
	return func(r *http.Request) {
		if a != nil {
			a(r)
		}
		r.Header.Set("Content-Type", contentType)
	}
}

func TestAccessCreateNeverExpiringIsOnlyDefaultedWhenAbsent(t *testing.T) {
	s, _ := startEmulator(t, func(c *emulator.Config) { c.DefaultExpiry = 2 * time.Hour })
	admin := bearer(adminToken(t, s))

	absent := mustAccessToken(t, s, admin, jsonBody{})
	zero := mustAccessToken(t, s, admin, form("expires_in", "0"))

	wantExpiresIn(t, absent.ExpiresIn, 7200)
	wantExpiresIn(t, zero.ExpiresIn, 0)
	if rec := recordByID(t, s, zero.TokenID); rec.ExpiresAt != nil {
		t.Errorf("expires_in=0: ExpiresAt %v, want a token that never expires", rec.ExpiresAt)
	}
}

func TestAccessCreateBodyWithoutContentTypeIsAForm(t *testing.T) {
	s, _ := startEmulator(t, nil)
	req, err := http.NewRequest(http.MethodPost, s.URL()+accessTokensPath,
		strings.NewReader("expires_in=60&force_revocable=true"))
	if err != nil {
		t.Fatal(err)
	}
	bearer(adminToken(t, s))(req)

	resp := roundTrip(t, req)

	var answer accessAnswer
	decodeJSON(t, resp.body, &answer)
	wantExpiresIn(t, answer.ExpiresIn, 60)
	if rec := recordByID(t, s, answer.TokenID); rec.Revocable {
		t.Errorf("force_revocable in a form made the token revocable")
	}
}
