package emulator_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/artifactory-token-operator/artifactory-token-operator/internal/artifactory/emulator"
)

const unsupportedBasic = `{"errors":[{"code":"UNAUTHORIZED",` +
	`"message":"Unsupported authentication method Basic"}]}`

func TestAccessCredentials(t *testing.T) {
	tests := []struct {
		name       string
		configure  func(*emulator.Config)
		caller     func(s *emulator.Server) auth
		wantStatus int
		wantBody   string // exact error body
		wantUser   string
	}{
		{
			name:       "Basic password is refused by default",
			caller:     func(*emulator.Server) auth { return asAlice },
			wantStatus: 401, wantBody: unsupportedBasic,
		},
		{
			name: "Basic user and token is refused by default",
			caller: func(s *emulator.Server) auth {
				return basic("alice", legacyToken(t, s, asAlice, form()))
			},
			wantStatus: 401, wantBody: unsupportedBasic,
		},
		{
			name:       "Basic password once the administrator allows it",
			configure:  func(c *emulator.Config) { c.AccessBasicAuth = true },
			caller:     func(*emulator.Server) auth { return asAlice },
			wantStatus: 200, wantUser: "alice",
		},
		{
			name: "Basic user and token once allowed",
			configure: func(c *emulator.Config) {
				c.AccessBasicAuth = true
			},
			caller: func(s *emulator.Server) auth {
				return basic("alice", legacyToken(t, s, asAlice, form()))
			},
			wantStatus: 200, wantUser: "alice",
		},
		{
			name: "allowing Basic takes 7.63.2",
			configure: func(c *emulator.Config) {
				c.AccessBasicAuth, c.Version = true, "7.63.1"
			},
			caller:     func(*emulator.Server) auth { return asAlice },
			wantStatus: 401, wantBody: unsupportedBasic,
		},
		{
			name: "wrong password once allowed",
			configure: func(c *emulator.Config) {
				c.AccessBasicAuth = true
			},
			caller:     func(*emulator.Server) auth { return basic("alice", "nope") },
			wantStatus: 401, wantBody: accessErrorJSON("UNAUTHORIZED", "Bad Credentials"),
		},
		{
			name: "bearer legacy token",
			caller: func(s *emulator.Server) auth {
				return bearer(legacyToken(t, s, asAlice, form()))
			},
			wantStatus: 200, wantUser: "alice",
		},
		{
			name: "bearer Access token",
			caller: func(s *emulator.Server) auth {
				return bearer(createFor(t, s, bearer(adminToken(t, s)), "bob",
					jsonBody{}).AccessToken)
			},
			wantStatus: 200, wantUser: "bob",
		},
		{
			name: "bearer Access token for Access only",
			caller: func(s *emulator.Server) auth {
				return bearer(createFor(t, s, bearer(adminToken(t, s)), "bob",
					jsonBody{"audience": "jfac@*"}).AccessToken)
			},
			wantStatus: 200, wantUser: "bob",
		},
		{
			name: "bearer reference token",
			caller: func(s *emulator.Server) auth {
				return bearer(createFor(t, s, bearer(adminToken(t, s)), "bob",
					jsonBody{"include_reference_token": true}).ReferenceToken)
			},
			wantStatus: 200, wantUser: "bob",
		},
		{
			name: "bearer token for another service",
			caller: func(s *emulator.Server) auth {
				return bearer(legacyToken(t, s, asAlice, form("audience", "jfxr@*")))
			},
			wantStatus: 401, wantBody: accessErrorJSON("UNAUTHORIZED", "Bad Credentials"),
		},
		{
			name: "unknown reference token",
			caller: func(*emulator.Server) auth {
				return bearer("cmVmd" + strings.Repeat("A", 59))
			},
			wantStatus: 401, wantBody: accessErrorJSON("UNAUTHORIZED", "Bad Credentials"),
		},
		{
			name:       "no credentials",
			caller:     func(*emulator.Server) auth { return nil },
			wantStatus: 401,
			wantBody:   accessErrorJSON("UNAUTHORIZED", "Authentication is required"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, _ := startEmulator(t, func(c *emulator.Config) {
				c.BlockAfterFailures = -1
				if tt.configure != nil {
					tt.configure(c)
				}
			})

			resp := sendBody(t, s, http.MethodPost, accessTokensPath, tt.caller(s),
				jsonBody{"expires_in": 60})

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
			var answer accessAnswer
			decodeJSON(t, resp.body, &answer)
			if got := recordByID(t, s, answer.TokenID).Username; got != tt.wantUser {
				t.Errorf("token issued for %q, want %q", got, tt.wantUser)
			}
		})
	}
}

func TestAccessTokensWorkOnArtifactory(t *testing.T) {
	s, _ := startEmulator(t, func(c *emulator.Config) { c.BlockAfterFailures = -1 })
	answer := createFor(t, s, bearer(adminToken(t, s)), "bob",
		jsonBody{"include_reference_token": true})
	accessOnly := createFor(t, s, bearer(adminToken(t, s)), "bob",
		jsonBody{"audience": "jfac@*"})

	tests := []struct {
		name       string
		caller     auth
		wantStatus int
	}{
		{"bearer access token", bearer(answer.AccessToken), 200},
		{"bearer reference token", bearer(answer.ReferenceToken), 200},
		{"basic user and access token", basic("bob", answer.AccessToken), 200},
		{"basic user and reference token", basic("bob", answer.ReferenceToken), 200},
		{"reference token under another user's name", basic("alice", answer.ReferenceToken),
			401},
		{"token whose audience is Access only", bearer(accessOnly.AccessToken), 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ping := send(t, s, http.MethodGet, pingPath, tt.caller, nil)
			create := send(t, s, http.MethodPost, tokenPath, tt.caller, form())

			if ping.status != tt.wantStatus || create.status != tt.wantStatus {
				t.Errorf("ping %d, legacy create %d, want %d both (%s)", ping.status,
					create.status, tt.wantStatus, create.body)
			}
		})
	}
}

func TestAccessTokenRightsComeFromItsScope(t *testing.T) {
	s, _ := startEmulator(t, nil)
	admin := bearer(adminToken(t, s))
	tests := []struct {
		name      string
		body      jsonBody
		wantAdmin bool
	}{
		{"admin user with the user scope", jsonBody{}, true},
		{"admin user with a groups scope",
			jsonBody{"scope": "applied-permissions/groups:readers"}, false},
		{"another user with the admin scope",
			jsonBody{"username": "alice", "scope": "applied-permissions/admin"}, true},
		{"another user with the user scope", jsonBody{"username": "alice"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			token := mustAccessToken(t, s, admin, tt.body).AccessToken

			list := sendBody(t, s, http.MethodGet, accessTokensPath, bearer(token), nil)
			serviceID := send(t, s, http.MethodGet, "/artifactory/api/system/service_id",
				bearer(token), nil)

			if got := list.status == 200; got != tt.wantAdmin {
				t.Errorf("Access list answered %d, want admin %v", list.status, tt.wantAdmin)
			}
			if got := serviceID.status == 200; got != tt.wantAdmin {
				t.Errorf("service_id answered %d, want admin %v", serviceID.status, tt.wantAdmin)
			}
		})
	}
}

func TestAccessTokenWithSplitGroupsIsRefusedOnUse(t *testing.T) {
	s, _ := startEmulator(t, nil)
	admin := bearer(adminToken(t, s))
	split := mustAccessToken(t, s, admin, jsonBody{"username": "alice",
		"scope": "applied-permissions/groups:readers applied-permissions/groups:writers"})
	joined := mustAccessToken(t, s, admin, jsonBody{"username": "alice",
		"scope": "applied-permissions/groups:readers,writers"})

	splitPing := send(t, s, http.MethodGet, pingPath, bearer(split.AccessToken), nil)
	joinedPing := send(t, s, http.MethodGet, pingPath, bearer(joined.AccessToken), nil)

	if splitPing.status != 401 || joinedPing.status != 200 {
		t.Errorf("ping with split groups %d, joined %d; want 401 and 200",
			splitPing.status, joinedPing.status)
	}
}

func TestUnsupportedBasicIsNoFailedLogin(t *testing.T) {
	s, _ := startEmulator(t, func(c *emulator.Config) { c.BlockAfterFailures = 2 })

	for range 5 {
		resp := sendBody(t, s, http.MethodPost, accessTokensPath, basic("alice", "wrong"),
			jsonBody{})
		if resp.body != unsupportedBasic {
			t.Fatalf("Basic on the Access API: %d %s", resp.status, resp.body)
		}
	}

	if ping := send(t, s, http.MethodGet, pingPath, asAlice, nil); ping.status != 200 {
		t.Errorf("alice after refused Basic calls: %d %s, want 200", ping.status, ping.body)
	}
}

func TestAccessLoginFailuresBlock(t *testing.T) {
	s, _ := startEmulator(t, func(c *emulator.Config) { c.BlockAfterFailures = 2 })
	token := legacyToken(t, s, asAlice, form())
	send(t, s, http.MethodPost, revokePath, asAdmin, form("token", token))

	for range 2 {
		sendBody(t, s, http.MethodPost, accessTokensPath, bearer(token), jsonBody{})
	}
	blocked := sendBody(t, s, http.MethodPost, accessTokensPath,
		bearer(legacyToken(t, s, asBob, form())), jsonBody{})
	aliceBlocked := send(t, s, http.MethodGet, pingPath, asAlice, nil)
	aliceOnAccess := sendBody(t, s, http.MethodPost, accessTokensPath,
		bearer(legacyToken(t, s, asAdmin, form("username", "alice"))), jsonBody{})

	if blocked.status != 200 {
		t.Errorf("bob during alice's block: %d %s, want 200", blocked.status, blocked.body)
	}
	if aliceBlocked.status != http.StatusForbidden {
		t.Errorf("alice after two revoked-token logins on Access: %d, want 403",
			aliceBlocked.status)
	}
	wantAccessError(t, aliceOnAccess, http.StatusForbidden, "FORBIDDEN", "blocked")
}
