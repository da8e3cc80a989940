package emulator_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/artifactory-token-operator/artifactory-token-operator/internal/artifactory/emulator"
)

// listedTokens is the Access API's list answer.
type listedTokens struct {
	Tokens []map[string]any `json:"tokens"`
}

func TestAccessListAndFilters(t *testing.T) {
	s, clock := startEmulator(t, nil)
	admin := bearer(adminToken(t, s)) // a legacy token: listed too
	legacyID := s.Tokens()[0].ID
	ci := createFor(t, s, admin, "alice", jsonBody{"description": "ci", "refreshable": true})
	bob := createFor(t, s, admin, "bob", jsonBody{"expires_in": 0, "description": "deploy"})
	// Stored, but lapses below.
	createFor(t, s, admin, "alice", jsonBody{"expires_in": 4 * 3600})
	// Too short-lived to be stored.
	createFor(t, s, admin, "alice", jsonBody{"expires_in": 3600, "description": "ci"})
	revoked := createFor(t, s, admin, "bob", jsonBody{"description": "ci"})
	sendBody(t, s, http.MethodDelete, accessTokensPath+"/"+revoked.TokenID, admin, nil)
	clock.Advance(4 * time.Hour)

	tests := []struct {
		query   string
		wantIDs []string
	}{
		{"", []string{legacyID, ci.TokenID, bob.TokenID}},
		{"?description=ci", []string{ci.TokenID}},
		{"?username=bob", []string{bob.TokenID}},
		{"?refreshable=true", []string{ci.TokenID}},
		{"?refreshable=false&username=alice", nil},
		{"?description=nothing", nil},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			resp := sendBody(t, s, http.MethodGet, accessTokensPath+tt.query, admin, nil)

			if resp.status != http.StatusOK {
				t.Fatalf("list: %d %s", resp.status, resp.body)
			}
			var list listedTokens
			decodeJSON(t, resp.body, &list)
			var got []string
			for _, tok := range list.Tokens {
				id, _ := tok["token_id"].(string)
				got = append(got, id)
			}
			if len(got) != len(tt.wantIDs) {
				t.Fatalf("listed %v, want %v", got, tt.wantIDs)
			}
			for i := range got {
				if got[i] != tt.wantIDs[i] {
					t.Errorf("listed %v, want %v", got, tt.wantIDs)
				}
			}
		})
	}
}

func TestAccessListedFields(t *testing.T) {
	s, _ := startEmulator(t, nil)
	admin := bearer(adminToken(t, s))
	answer := createFor(t, s, admin, "alice", jsonBody{"description": "ci", "refreshable": true})
	forever := createFor(t, s, admin, "bob", jsonBody{"expires_in": 0})

	resp := sendBody(t, s, http.MethodGet, accessTokensPath+"?username=alice", admin, nil)
	byID := sendBody(t, s, http.MethodGet, accessTokensPath+"/"+forever.TokenID, admin, nil)

	var list listedTokens
	decodeJSON(t, resp.body, &list)
	if len(list.Tokens) != 1 {
		t.Fatalf("listed %s, want alice's token", resp.body)
	}
	rec := recordByID(t, s, answer.TokenID)
	wantInfo(t, list.Tokens[0], map[string]any{
		"token_id":    answer.TokenID,
		"subject":     "jfac@" + testServiceID + "/users/alice",
		"issuer":      "jfac@" + testServiceID,
		"issued_at":   float64(rec.IssuedAt.Unix()),
		"expiry":      float64(rec.ExpiresAt.Unix()),
		"description": "ci",
		"refreshable": true,
	})
	var got map[string]any
	decodeJSON(t, byID.body, &got)
	wantInfo(t, got, map[string]any{
		"token_id":    forever.TokenID,
		"subject":     "jfac@" + testServiceID + "/users/bob",
		"issuer":      "jfac@" + testServiceID,
		"issued_at":   float64(rec.IssuedAt.Unix()),
		"refreshable": false,
	})
}

// wantInfo checks a listed token's fields exactly.
func wantInfo(t *testing.T, got, want map[string]any) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("fields %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
}

func TestAccessGetByID(t *testing.T) {
	s, _ := startEmulator(t, nil)
	admin := bearer(adminToken(t, s))
	long := createFor(t, s, admin, "alice", jsonBody{})
	short := createFor(t, s, admin, "alice", jsonBody{"expires_in": 3*3600 - 1})
	aliceToken := bearer(long.AccessToken)
	bobToken := bearer(legacyToken(t, s, asBob, form()))

	tests := []struct {
		name       string
		caller     auth
		id         string
		wantStatus int
		wantCode   string
	}{
		{"admin", admin, long.TokenID, 200, ""},
		{"the token's own user", aliceToken, long.TokenID, 200, ""},
		{"another user", bobToken, long.TokenID, 403, "FORBIDDEN"},
		{"under the persistency threshold", admin, short.TokenID, 404, "NOT_FOUND"},
		{"unknown", admin, "no-such-id", 404, "NOT_FOUND"},
		{"me, with a stored token", aliceToken, "me", 200, ""},
		{"me, with an unstored token", bearer(short.AccessToken), "me", 404, "NOT_FOUND"},
		{"anonymous", nil, long.TokenID, 401, "UNAUTHORIZED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := sendBody(t, s, http.MethodGet, accessTokensPath+"/"+tt.id, tt.caller, nil)

			if tt.wantStatus != 200 {
				wantAccessError(t, resp, tt.wantStatus, tt.wantCode, "")
				return
			}
			var got map[string]any
			decodeJSON(t, resp.body, &got)
			if resp.status != 200 || got["token_id"] != long.TokenID {
				t.Errorf("answer %d %s, want 200 with token %s", resp.status, resp.body,
					long.TokenID)
			}
		})
	}
}

func TestAccessGetMineWithAPassword(t *testing.T) {
	s, _ := startEmulator(t, func(c *emulator.Config) { c.AccessBasicAuth = true })

	resp := sendBody(t, s, http.MethodGet, accessTokensPath+"/me", asAlice, nil)

	wantAccessError(t, resp, http.StatusNotFound, "NOT_FOUND", "Token not found")
}

func TestAccessListRefusals(t *testing.T) {
	s, _ := startEmulator(t, nil)
	alice := bearer(legacyToken(t, s, asAlice, form()))

	nonAdmin := sendBody(t, s, http.MethodGet, accessTokensPath, alice, nil)
	badFilter := sendBody(t, s, http.MethodGet, accessTokensPath+"?refreshable=maybe",
		bearer(adminToken(t, s)), nil)

	if want := accessErrorJSON("FORBIDDEN", "Forbidden"); nonAdmin.body != want {
		t.Errorf("non-admin list: %d %s, want 403 %s", nonAdmin.status, nonAdmin.body, want)
	}
	wantAccessError(t, badFilter, http.StatusBadRequest, "BAD_REQUEST", "refreshable")
}

func TestAccessShortTokenDisappearsButWorks(t *testing.T) {
	s, clock := startEmulator(t, nil)
	admin := bearer(adminToken(t, s))
	short := createFor(t, s, admin, "alice", jsonBody{"expires_in": 600})

	get := sendBody(t, s, http.MethodGet, accessTokensPath+"/"+short.TokenID, admin, nil)
	ping := send(t, s, http.MethodGet, pingPath, bearer(short.AccessToken), nil)
	clock.Advance(600 * time.Second)
	lapsed := send(t, s, http.MethodGet, pingPath, bearer(short.AccessToken), nil)

	wantAccessError(t, get, http.StatusNotFound, "NOT_FOUND", "Token not found")
	if ping.status != 200 || lapsed.status != 401 {
		t.Errorf("ping with the unstored token: %d, after expiry %d; want 200 then 401",
			ping.status, lapsed.status)
	}
	if rec := recordByID(t, s, short.TokenID); rec.Persistent || rec.Revocable {
		t.Errorf("record %+v, want neither persistent nor revocable", rec)
	}
}
