package emulator_test

import (
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/artifactory-token-operator/artifactory-token-operator/internal/artifactory/emulator"
)

func TestRevoke(t *testing.T) {
	tests := []struct {
		name        string
		caller      auth
		build       func(victim tokenAnswer, id string) url.Values
		wantStatus  int
		wantBody    string
		wantRevoked bool
	}{
		{
			name:       "by token id",
			caller:     asAdmin,
			build:      func(_ tokenAnswer, id string) url.Values { return form("token_id", id) },
			wantStatus: 200, wantBody: "Token revoked", wantRevoked: true,
		},
		{
			name:       "by token value",
			caller:     asAdmin,
			build:      func(v tokenAnswer, _ string) url.Values { return form("token", v.AccessToken) },
			wantStatus: 200, wantBody: "Token revoked", wantRevoked: true,
		},
		{
			name:       "unknown id is not an error",
			caller:     asAdmin,
			build:      func(tokenAnswer, string) url.Values { return form("token_id", "nope") },
			wantStatus: 200, wantBody: "Token not found",
		},
		{
			name:       "unknown value is not an error",
			caller:     asAdmin,
			build:      func(tokenAnswer, string) url.Values { return form("token", "nope") },
			wantStatus: 200, wantBody: "Token not found",
		},
		{
			name:       "non-admin",
			caller:     asAlice,
			build:      func(_ tokenAnswer, id string) url.Values { return form("token_id", id) },
			wantStatus: 403, wantBody: `{"errors":[{"status":403,"message":"Forbidden"}]}`,
		},
		{
			name:       "nothing named",
			caller:     asAdmin,
			build:      func(tokenAnswer, string) url.Values { return form() },
			wantStatus: 400,
			wantBody: `{"error":"invalid_request",` +
				`"error_description":"Revoking needs token or token_id"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, _ := startEmulator(t, nil)
			victim := mustToken(t, s, asAlice, form())
			id := recordFor(t, s, victim.AccessToken).ID

			resp := send(t, s, http.MethodPost, revokePath, tt.caller, tt.build(victim, id))

			if resp.status != tt.wantStatus || resp.body != tt.wantBody {
				t.Errorf("answer %d %q, want %d %q", resp.status, resp.body, tt.wantStatus,
					tt.wantBody)
			}
			if tt.wantStatus == 200 && resp.header.Get("Content-Type") != "text/plain" {
				t.Errorf("Content-Type = %q, want text/plain", resp.header.Get("Content-Type"))
			}
			err := s.Validate(victim.AccessToken)
			if tt.wantRevoked != errors.Is(err, emulator.ErrTokenRevoked) {
				t.Errorf("Validate after revoke = %v, want revoked %v", err, tt.wantRevoked)
			}
			ping := send(t, s, http.MethodGet, pingPath, bearer(victim.AccessToken), nil)
			if tt.wantRevoked != (ping.status == http.StatusUnauthorized) {
				t.Errorf("ping with the token after revoke: %d, want 401 iff revoked", ping.status)
			}
		})
	}
}

func TestListTokens(t *testing.T) {
	s, clock := startEmulator(t, nil)
	expiring := mustToken(t, s, asAlice, form("expires_in", "120"))
	forever := mustToken(t, s, asAdmin, form("username", "bob", "expires_in", "0",
		"refreshable", "true"))
	revoked := mustToken(t, s, asAdmin, form())
	send(t, s, http.MethodPost, revokePath, asAdmin, form("token", revoked.AccessToken))
	mustToken(t, s, asAdmin, form("expires_in", "1")) // lapses below
	clock.Advance(5 * time.Second)

	resp := send(t, s, http.MethodGet, tokenPath, asAdmin, nil)

	if resp.status != http.StatusOK {
		t.Fatalf("list: %d %s", resp.status, resp.body)
	}
	var list struct {
		Tokens []map[string]any `json:"tokens"`
	}
	decodeJSON(t, resp.body, &list)
	if len(list.Tokens) != 2 {
		t.Fatalf("listed %d tokens, want the 2 live ones: %s", len(list.Tokens), resp.body)
	}
	wantListed(t, list.Tokens[0], recordFor(t, s, expiring.AccessToken), "alice")
	wantListed(t, list.Tokens[1], recordFor(t, s, forever.AccessToken), "bob")
}

// wantListed checks one listed token against the emulator's record.
func wantListed(t *testing.T, got map[string]any, rec emulator.TokenRecord, user string) {
	t.Helper()
	want := map[string]any{
		"token_id":    rec.ID,
		"issuer":      "jfrt@" + testServiceID,
		"subject":     "jfrt@" + testServiceID + "/users/" + user,
		"refreshable": rec.Refreshable,
		"issued_at":   float64(rec.IssuedAt.Unix()),
	}
	if rec.ExpiresAt != nil {
		want["expiry"] = float64(rec.ExpiresAt.Unix())
	}
	if len(got) != len(want) {
		t.Errorf("listed fields %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("listed %s = %v, want %v", k, got[k], v)
		}
	}
}

func TestListTokensNeedsAdmin(t *testing.T) {
	s, _ := startEmulator(t, nil)

	resp := send(t, s, http.MethodGet, tokenPath, asAlice, nil)

	wantArtifactoryError(t, resp, http.StatusForbidden, "Forbidden")
}
