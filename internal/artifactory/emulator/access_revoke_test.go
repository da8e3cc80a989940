package emulator_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/artifactory-token-operator/artifactory-token-operator/internal/artifactory/emulator"
)

func TestAccessRevoke(t *testing.T) {
	const (
		notFound     = `{"errors":[{"code":"NOT_FOUND","message":"Token not found"}]}`
		notRevocable = `{"code":"BAD_REQUEST","message":"Token not revocable","detail":` +
			`"Token {id} expires sooner than the revocable expiry threshold allows and ` +
			`was not created with force_revocable"}`
	)
	tests := []struct {
		name string
		// body creates the victim, for alice, by the admin.
		body          any
		caller        string // who revokes: "admin", "alice" or "bob"
		wantStatus    int
		wantBody      string // exact, "" for an empty body; {id} is the token id
		wantRevoked   bool
		wantRevocable bool
	}{
		{name: "never expiring", body: jsonBody{"expires_in": 0}, caller: "admin",
			wantStatus: 200, wantRevoked: true, wantRevocable: true},
		{name: "default lifetime of a year", body: jsonBody{}, caller: "admin",
			wantStatus: 200, wantRevoked: true, wantRevocable: true},
		{name: "exactly at the revocable threshold", body: form("expires_in", "21600"),
			caller: "admin", wantStatus: 200, wantRevoked: true, wantRevocable: true},
		{name: "stored but under the revocable threshold",
			body: jsonBody{"expires_in": 4 * 3600}, caller: "admin", wantStatus: 400,
			wantBody: notRevocable},
		{name: "under the persistency threshold, so not stored",
			body: jsonBody{"expires_in": 3600}, caller: "admin", wantStatus: 404,
			wantBody: notFound},
		{name: "short but forced revocable in JSON",
			body:   jsonBody{"expires_in": 3600, "force_revocable": true},
			caller: "admin", wantStatus: 200, wantRevoked: true, wantRevocable: true},
		{name: "force_revocable in a form is ignored",
			body:   form("expires_in", "14400", "force_revocable", "true"),
			caller: "admin", wantStatus: 400, wantBody: notRevocable},
		{name: "by the token's own user", body: jsonBody{}, caller: "alice",
			wantStatus: 200, wantRevoked: true, wantRevocable: true},
		{name: "by another user", body: jsonBody{}, caller: "bob", wantStatus: 403,
			wantBody:      `{"errors":[{"code":"FORBIDDEN","message":"Forbidden"}]}`,
			wantRevocable: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, _ := startEmulator(t, nil)
			victim := createFor(t, s, bearer(adminToken(t, s)), "alice", tt.body)
			caller := bearer(legacyToken(t, s, basic(tt.caller, tt.caller+"-pw"), form()))

			resp := sendBody(t, s, http.MethodDelete, accessTokensPath+"/"+victim.TokenID,
				caller, nil)

			wantBody := strings.ReplaceAll(tt.wantBody, "{id}", victim.TokenID)
			if resp.status != tt.wantStatus || resp.body != wantBody {
				t.Errorf("answer %d %s, want %d %s", resp.status, resp.body, tt.wantStatus,
					wantBody)
			}
			rec := recordByID(t, s, victim.TokenID)
			if rec.Revocable != tt.wantRevocable || rec.Revoked != tt.wantRevoked {
				t.Errorf("record revocable %v revoked %v, want %v and %v", rec.Revocable,
					rec.Revoked, tt.wantRevocable, tt.wantRevoked)
			}
			err := s.Validate(victim.AccessToken)
			if tt.wantRevoked != errors.Is(err, emulator.ErrTokenRevoked) {
				t.Errorf("Validate after revoke = %v, want revoked %v", err, tt.wantRevoked)
			}
			ping := send(t, s, http.MethodGet, pingPath, bearer(victim.AccessToken), nil)
			if tt.wantRevoked != (ping.status == http.StatusUnauthorized) {
				t.Errorf("ping with the token after revoke: %d, want 401 iff revoked",
					ping.status)
			}
		})
	}
}

func TestAccessRevokeAgainAnswers204(t *testing.T) {
	s, _ := startEmulator(t, nil)
	admin := bearer(adminToken(t, s))
	victim := mustAccessToken(t, s, admin, jsonBody{})
	path := accessTokensPath + "/" + victim.TokenID

	first := sendBody(t, s, http.MethodDelete, path, admin, nil)
	second := sendBody(t, s, http.MethodDelete, path, admin, nil)
	get := sendBody(t, s, http.MethodGet, path, admin, nil)

	if first.status != 200 || second.status != 204 || second.body != "" {
		t.Errorf("revoke twice: %d then %d %q, want 200 then an empty 204",
			first.status, second.status, second.body)
	}
	wantAccessError(t, get, http.StatusNotFound, "NOT_FOUND", "Token not found")
}

func TestAccessRevokeRefusals(t *testing.T) {
	s, _ := startEmulator(t, nil)
	admin := bearer(adminToken(t, s))

	unknown := sendBody(t, s, http.MethodDelete, accessTokensPath+"/no-such-id", admin, nil)
	emptyID := sendBody(t, s, http.MethodDelete, accessTokensPath+"/", admin, nil)
	anonymous := sendBody(t, s, http.MethodDelete, accessTokensPath+"/x", nil, nil)

	if want := accessErrorJSON("NOT_FOUND", "Token not found"); unknown.status != 404 ||
		unknown.body != want {
		t.Errorf("unknown id: %d %s, want 404 %s", unknown.status, unknown.body, want)
	}
	wantAccessError(t, emptyID, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "Method")
	wantAccessError(t, anonymous, http.StatusUnauthorized, "UNAUTHORIZED", "Authentication")
}

func TestAccessRevocableThresholdSettings(t *testing.T) {
	tests := []struct {
		name           string
		revocable      time.Duration
		persistent     time.Duration
		expiresIn      int64
		wantRevocable  bool
		wantPersistent bool
	}{
		{"defaults, long", 0, 0, 6 * 3600, true, true},
		{"defaults, between thresholds", 0, 0, 3 * 3600, false, true},
		{"defaults, short", 0, 0, 3*3600 - 1, false, false},
		{"every token revocable", time.Second, 0, 60, true, true},
		{"no expiring token revocable", -1, 0, 100 * 24 * 3600, false, true},
		{"every token stored", 0, -1, 60, false, true},
		{"raised thresholds", 48 * time.Hour, 24 * time.Hour, 30 * 3600, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, _ := startEmulator(t, func(c *emulator.Config) {
				c.RevocableExpiryThreshold = tt.revocable
				c.PersistentExpiryThreshold = tt.persistent
			})

			answer := mustAccessToken(t, s, bearer(adminToken(t, s)),
				jsonBody{"expires_in": tt.expiresIn})

			rec := recordByID(t, s, answer.TokenID)
			if rec.Revocable != tt.wantRevocable || rec.Persistent != tt.wantPersistent {
				t.Errorf("revocable %v persistent %v, want %v and %v", rec.Revocable,
					rec.Persistent, tt.wantRevocable, tt.wantPersistent)
			}
		})
	}
}
