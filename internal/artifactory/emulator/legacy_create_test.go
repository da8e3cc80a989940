package emulator_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/artifactory-token-operator/artifactory-token-operator/internal/artifactory/emulator"
)

func TestCreateTokenGrants(t *testing.T) {
	tests := []struct {
		name            string
		caller          auth
		form            url.Values
		wantUser        string
		wantScope       string
		wantExpiresIn   int64
		wantRefreshable bool
		wantAudience    string
	}{
		{
			name:          "admin with every default",
			caller:        asAdmin,
			form:          form(),
			wantUser:      "admin",
			wantScope:     "api:*",
			wantExpiresIn: 3600,
			wantAudience:  "jfrt@" + testServiceID,
		},
		{
			name:   "admin for another user, non-expiring and refreshable",
			caller: asAdmin,
			form: form("username", "alice", "scope", "member-of-groups:readers",
				"expires_in", "0", "refreshable", "true"),
			wantUser:        "alice",
			wantScope:       "member-of-groups:readers api:*",
			wantExpiresIn:   0,
			wantRefreshable: true,
			wantAudience:    "jfrt@" + testServiceID,
		},
		{
			name:          "admin for a transient user with groups",
			caller:        asAdmin,
			form:          form("username", "ci-bot", "scope", "member-of-groups:deployers"),
			wantUser:      "ci-bot",
			wantScope:     "member-of-groups:deployers api:*",
			wantExpiresIn: 3600,
			wantAudience:  "jfrt@" + testServiceID,
		},
		{
			name:          "admin with the admin scope and a year",
			caller:        asAdmin,
			form:          form("scope", "jfrt@"+testServiceID+":admin", "expires_in", "31536000"),
			wantUser:      "admin",
			wantScope:     "jfrt@" + testServiceID + ":admin api:*",
			wantExpiresIn: 31536000,
			wantAudience:  "jfrt@" + testServiceID,
		},
		{
			name:          "audience list",
			caller:        asAdmin,
			form:          form("audience", "jfrt@* jfxr@*"),
			wantUser:      "admin",
			wantScope:     "api:*",
			wantExpiresIn: 3600,
			wantAudience:  "jfrt@* jfxr@*",
		},
		{
			name:          "non-admin for itself naming itself",
			caller:        asAlice,
			form:          form("username", "alice", "expires_in", "3600"),
			wantUser:      "alice",
			wantScope:     "api:*",
			wantExpiresIn: 3600,
			wantAudience:  "jfrt@" + testServiceID,
		},
		{
			name:          "non-admin with a subset of its groups",
			caller:        asAlice,
			form:          form("scope", "member-of-groups:writers", "expires_in", "60"),
			wantUser:      "alice",
			wantScope:     "member-of-groups:writers api:*",
			wantExpiresIn: 60,
			wantAudience:  "jfrt@" + testServiceID,
		},
		{
			name:          "non-admin with all its groups",
			caller:        asBob,
			form:          form("scope", "member-of-groups:*"),
			wantUser:      "bob",
			wantScope:     "member-of-groups:* api:*",
			wantExpiresIn: 3600,
			wantAudience:  "jfrt@" + testServiceID,
		},
		{
			name:          "api:* asked for is kept in place, not repeated",
			caller:        asAlice,
			form:          form("scope", "api:* member-of-groups:readers api:*"),
			wantUser:      "alice",
			wantScope:     "api:* member-of-groups:readers",
			wantExpiresIn: 3600,
			wantAudience:  "jfrt@" + testServiceID,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, clock := startEmulator(t, nil)

			answer := mustToken(t, s, tt.caller, tt.form)

			if *answer.ExpiresIn != tt.wantExpiresIn {
				t.Errorf("expires_in = %d, want %d", *answer.ExpiresIn, tt.wantExpiresIn)
			}
			if answer.Scope != tt.wantScope {
				t.Errorf("scope = %q, want %q", answer.Scope, tt.wantScope)
			}
			if got := answer.RefreshToken != ""; got != tt.wantRefreshable {
				t.Errorf("refresh_token present = %v, want %v", got, tt.wantRefreshable)
			}
			rec := recordFor(t, s, answer.AccessToken)
			if rec.Username != tt.wantUser || rec.Audience != tt.wantAudience ||
				rec.Refreshable != tt.wantRefreshable || rec.Scope != tt.wantScope {
				t.Errorf("record = %+v, want user %s, audience %q, refreshable %v, scope %q",
					rec, tt.wantUser, tt.wantAudience, tt.wantRefreshable, tt.wantScope)
			}
			if !rec.IssuedAt.Equal(clock.Now()) {
				t.Errorf("IssuedAt = %v, want the emulator clock's %v", rec.IssuedAt, clock.Now())
			}
			wantExpiry(t, rec.ExpiresAt, rec.IssuedAt, tt.wantExpiresIn)
			if err := s.Validate(answer.AccessToken); err != nil {
				t.Errorf("Validate(issued token) = %v", err)
			}
		})
	}
}

// wantExpiry checks ExpiresAt against a lifetime in seconds, 0 = never.
func wantExpiry(t *testing.T, expiresAt *time.Time, issuedAt time.Time, lifetime int64) {
	t.Helper()
	if lifetime == 0 {
		if expiresAt != nil {
			t.Errorf("ExpiresAt = %v, want nil for a non-expiring token", *expiresAt)
		}
		return
	}
	want := issuedAt.Add(time.Duration(lifetime) * time.Second)
	if expiresAt == nil || !expiresAt.Equal(want) {
		t.Errorf("ExpiresAt = %v, want %v", expiresAt, want)
	}
}

func TestCreateTokenRefusals(t *testing.T) {
	tests := []struct {
		name         string
		caller       auth
		contentType  string // default form-encoded
		form         url.Values
		wantStatus   int
		wantCode     string
		wantDescPart string
	}{
		{
			name:   "non-admin beyond 3600 seconds",
			caller: asAlice, form: form("expires_in", "3601"),
			wantStatus: 400, wantCode: "invalid_request", wantDescPart: "3600 seconds",
		},
		{
			name:   "non-admin asking never to expire",
			caller: asAlice, form: form("expires_in", "0"),
			wantStatus: 400, wantCode: "invalid_request", wantDescPart: "3600",
		},
		{
			name:   "non-admin naming another user",
			caller: asAlice, form: form("username", "bob"),
			wantStatus: 403, wantCode: "access_denied", wantDescPart: "other users",
		},
		{
			name:   "non-admin naming a group it is not in",
			caller: asBob, form: form("scope", "member-of-groups:readers,writers"),
			wantStatus: 403, wantCode: "access_denied", wantDescPart: "writers",
		},
		{
			name:   "non-admin asking for the admin scope",
			caller: asAlice, form: form("scope", "jfrt@"+testServiceID+":admin"),
			wantStatus: 403, wantCode: "access_denied", wantDescPart: ":admin",
		},
		{
			name:   "transient user without groups",
			caller: asAdmin, form: form("username", "ghost", "scope", "api:*"),
			wantStatus: 400, wantCode: "invalid_request", wantDescPart: "member-of-groups",
		},
		{
			name:   "admin scope of another Artifactory",
			caller: asAdmin, form: form("scope", "jfrt@elsewhere:admin"),
			wantStatus: 400, wantCode: "invalid_request", wantDescPart: "jfrt@elsewhere",
		},
		{
			name:   "unknown scope token",
			caller: asAdmin, form: form("scope", "applied-permissions/user"),
			wantStatus: 400, wantCode: "invalid_request", wantDescPart: "applied-permissions",
		},
		{
			name:   "empty group name",
			caller: asAdmin, form: form("scope", "member-of-groups:readers,"),
			wantStatus: 400, wantCode: "invalid_request", wantDescPart: "empty group",
		},
		{
			name:   "expires_in not a number",
			caller: asAdmin, form: form("expires_in", "1h"),
			wantStatus: 400, wantCode: "invalid_request", wantDescPart: "expires_in",
		},
		{
			name:   "expires_in negative",
			caller: asAdmin, form: form("expires_in", "-5"),
			wantStatus: 400, wantCode: "invalid_request", wantDescPart: "expires_in",
		},
		{
			name:   "refreshable not a boolean",
			caller: asAdmin, form: form("refreshable", "maybe"),
			wantStatus: 400, wantCode: "invalid_request", wantDescPart: "refreshable",
		},
		{
			name:   "audience not a service id",
			caller: asAdmin, form: form("audience", "artifactory"),
			wantStatus: 400, wantCode: "invalid_request", wantDescPart: "artifactory",
		},
		{
			name:   "unsupported grant type",
			caller: asAdmin, form: form("grant_type", "password"),
			wantStatus: 400, wantCode: "invalid_request", wantDescPart: "password",
		},
		{
			name:   "JSON instead of a form",
			caller: asAdmin, contentType: "application/json", form: form("username", "x"),
			wantStatus: 400, wantCode: "invalid_request", wantDescPart: "x-www-form-urlencoded",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, _ := startEmulator(t, nil)
			req, err := http.NewRequest(http.MethodPost, s.URL()+tokenPath,
				strings.NewReader(tt.form.Encode()))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			tt.caller(req)

			resp := roundTrip(t, req)

			wantOAuthError(t, resp, tt.wantStatus, tt.wantCode, tt.wantDescPart)
			if n := len(s.Tokens()); n != 0 {
				t.Errorf("a refused request issued %d tokens", n)
			}
		})
	}
}

func TestCreateTokenExpiresInIsOnlyDefaultedWhenAbsent(t *testing.T) {
	s, _ := startEmulator(t, nil)

	absent := mustToken(t, s, asAdmin, form())
	zero := mustToken(t, s, asAdmin, form("expires_in", "0"))

	if *absent.ExpiresIn != 3600 {
		t.Errorf("expires_in left out: got %d, want the default 3600", *absent.ExpiresIn)
	}
	if *zero.ExpiresIn != 0 || recordFor(t, s, zero.AccessToken).ExpiresAt != nil {
		t.Errorf("expires_in=0: got %d and ExpiresAt %v, want a non-expiring token",
			*zero.ExpiresIn, recordFor(t, s, zero.AccessToken).ExpiresAt)
	}
}

func TestCreateTokenCredentials(t *testing.T) {
	s, _ := startEmulator(t, func(c *emulator.Config) { c.BlockAfterFailures = -1 })
	aliceToken := mustToken(t, s, asAlice, form()).AccessToken

	tests := []struct {
		name       string
		caller     auth
		wantStatus int
		wantUser   string
		wantBody   string // exact error body when not 200
	}{
		{name: "basic password", caller: asAlice, wantStatus: 200, wantUser: "alice"},
		{name: "basic user and access token", caller: basic("alice", aliceToken),
			wantStatus: 200, wantUser: "alice"},
		{name: "bearer access token", caller: bearer(aliceToken),
			wantStatus: 200, wantUser: "alice"},
		{name: "access token under another user's name", caller: basic("bob", aliceToken),
			wantStatus: 401, wantBody: `{"errors":[{"status":401,"message":"Bad Credentials"}]}`},
		{name: "wrong password", caller: basic("alice", "nope"),
			wantStatus: 401, wantBody: `{"errors":[{"status":401,"message":"Bad Credentials"}]}`},
		{name: "unknown user", caller: basic("mallory", "x"),
			wantStatus: 401, wantBody: `{"errors":[{"status":401,"message":"Bad Credentials"}]}`},
		{name: "garbage bearer", caller: bearer("not-a-token"),
			wantStatus: 401, wantBody: `{"errors":[{"status":401,"message":"Bad Credentials"}]}`},
		{name: "no credentials", caller: func(*http.Request) {}, wantStatus: 401,
			wantBody: `{"errors":[{"status":401,"message":"Authentication is required"}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := send(t, s, http.MethodPost, tokenPath, tt.caller, form())

			if resp.status != tt.wantStatus {
				t.Fatalf("status = %d, want %d (body %s)", resp.status, tt.wantStatus, resp.body)
			}
			if tt.wantStatus != 200 {
				if resp.body != tt.wantBody {
					t.Errorf("body = %s, want %s", resp.body, tt.wantBody)
				}
				if resp.header.Get("WWW-Authenticate") == "" {
					t.Errorf("401 without a WWW-Authenticate header")
				}
				return
			}
			var answer tokenAnswer
			decodeJSON(t, resp.body, &answer)
			if got := recordFor(t, s, answer.AccessToken).Username; got != tt.wantUser {
				t.Errorf("token issued for %q, want %q", got, tt.wantUser)
			}
		})
	}
}

func TestCreateTokenBodyWithoutContentTypeIsAForm(t *testing.T) {
	s, _ := startEmulator(t, nil)
	req, err := http.NewRequest(http.MethodPost, s.URL()+tokenPath,
		strings.NewReader("expires_in=60"))
	if err != nil {
		t.Fatal(err)
	}
	asAdmin(req)

	resp := roundTrip(t, req)

	var answer tokenAnswer
	decodeJSON(t, resp.body, &answer)
	if resp.status != 200 || answer.ExpiresIn == nil || *answer.ExpiresIn != 60 {
		t.Errorf("form body without Content-Type: %d %s, want expires_in 60", resp.status,
			resp.body)
	}
}
