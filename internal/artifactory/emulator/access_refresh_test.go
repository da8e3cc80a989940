package emulator_test

import (
	"net/http"
	"sync"
	"testing"
	"time"
)

const refreshNotFound = `{"errors":[{"code":"NOT_FOUND",` +
	`"message":"Token matching the provided refresh token was not found."}]}`

func TestAccessRefreshCopiesSettings(t *testing.T) {
	for _, tt := range []struct {
		name string
		body func(old accessAnswer) any
	}{
		{"JSON, refresh token only", func(old accessAnswer) any {
			return jsonBody{"grant_type": "refresh_token", "refresh_token": old.RefreshToken}
		}},
		{"form with the old access token", func(old accessAnswer) any {
			return form("grant_type", "refresh_token", "refresh_token", old.RefreshToken,
				"access_token", old.AccessToken)
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, clock := startEmulator(t, nil)
			old := mustAccessToken(t, s, bearer(adminToken(t, s)), jsonBody{
				"username": "alice", "scope": "applied-permissions/groups:readers",
				"expires_in": 600, "refreshable": true, "audience": "jfrt@*",
				"description": "ci", "project_key": "proj", "include_reference_token": true,
				"force_revocable": true,
			})
			clock.Advance(100 * time.Second)

			// No Authorization header: the refresh token is the credential.
			fresh := mustAccessToken(t, s, nil, tt.body(old))

			wantExpiresIn(t, fresh.ExpiresIn, 600)
			if fresh.Scope != old.Scope || fresh.TokenID == old.TokenID ||
				fresh.AccessToken == old.AccessToken {
				t.Errorf("refreshed %+v, want the old scope and a new token and id", fresh)
			}
			if fresh.RefreshToken == "" || fresh.RefreshToken == old.RefreshToken {
				t.Errorf("refresh_token = %q, want a new one", fresh.RefreshToken)
			}
			wantReferenceToken(t, fresh.ReferenceToken, true)
			oldRec, rec := recordByID(t, s, old.TokenID), recordByID(t, s, fresh.TokenID)
			if rec.Username != "alice" || rec.Audience != "jfrt@*" || rec.Description != "ci" ||
				rec.ProjectKey != "proj" || !rec.Revocable || !rec.Refreshable ||
				rec.API != "access" {
				t.Errorf("refreshed record = %+v, want the settings of %+v", rec, oldRec)
			}
			if !rec.IssuedAt.Equal(clock.Now()) {
				t.Errorf("refreshed IssuedAt = %v, want %v", rec.IssuedAt, clock.Now())
			}
			wantExpiry(t, rec.ExpiresAt, rec.IssuedAt, 600)
			if err := s.Validate(old.AccessToken); err != nil {
				t.Errorf("old access token after refresh: %v, want it valid until it expires",
					err)
			}
		})
	}
}

func TestAccessRefreshTokenIsSingleUse(t *testing.T) {
	s, _ := startEmulator(t, nil)
	first := mustAccessToken(t, s, bearer(adminToken(t, s)), jsonBody{"refreshable": true})
	second := mustAccessToken(t, s, nil, accessRefresh(first))

	reuse := sendBody(t, s, http.MethodPost, accessTokensPath, nil, accessRefresh(first))

	if reuse.status != http.StatusNotFound || reuse.body != refreshNotFound {
		t.Errorf("reused refresh token: %d %s, want 404 %s", reuse.status, reuse.body,
			refreshNotFound)
	}
	third := mustAccessToken(t, s, nil, accessRefresh(second))
	if third.AccessToken == second.AccessToken {
		t.Errorf("the chain's next refresh answered the same token")
	}
}

// accessRefresh is the JSON refresh of an answer's refresh token.
func accessRefresh(answer accessAnswer) jsonBody {
	return jsonBody{"grant_type": "refresh_token", "refresh_token": answer.RefreshToken}
}

func TestAccessRefreshRefusals(t *testing.T) {
	tests := []struct {
		name   string
		caller auth
		// body is the refresh, given a refreshable Access token, a plain
		// one, and a refreshable legacy token's answer.
		body        func(refreshable, plain accessAnswer, legacy tokenAnswer) any
		wantStatus  int
		wantCode    string
		wantMessage string
	}{
		{
			name: "refresh token of another access token",
			body: func(r, p accessAnswer, _ tokenAnswer) any {
				return jsonBody{"grant_type": "refresh_token", "refresh_token": r.RefreshToken,
					"access_token": p.AccessToken}
			},
			wantStatus: 404, wantCode: "NOT_FOUND", wantMessage: "refresh token",
		},
		{
			name: "unknown refresh token",
			body: func(accessAnswer, accessAnswer, tokenAnswer) any {
				return jsonBody{"grant_type": "refresh_token", "refresh_token": "f00d"}
			},
			wantStatus: 404, wantCode: "NOT_FOUND", wantMessage: "refresh token",
		},
		{
			name: "a legacy token's refresh token",
			body: func(_, _ accessAnswer, l tokenAnswer) any {
				return jsonBody{"grant_type": "refresh_token", "refresh_token": l.RefreshToken}
			},
			wantStatus: 404, wantCode: "NOT_FOUND", wantMessage: "refresh token",
		},
		{
			name: "no refresh token",
			body: func(accessAnswer, accessAnswer, tokenAnswer) any {
				return form("grant_type", "refresh_token")
			},
			wantStatus: 400, wantCode: "BAD_REQUEST", wantMessage: "refresh_token",
		},
		{
			name:   "Basic credentials alongside",
			caller: asAlice,
			body: func(r, _ accessAnswer, _ tokenAnswer) any {
				return accessRefresh(r)
			},
			wantStatus: 401, wantCode: "UNAUTHORIZED", wantMessage: "Basic",
		},
		{
			name:   "bad bearer alongside",
			caller: bearer("garbage"),
			body: func(r, _ accessAnswer, _ tokenAnswer) any {
				return accessRefresh(r)
			},
			wantStatus: 401, wantCode: "UNAUTHORIZED", wantMessage: "Bad Credentials",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, _ := startEmulator(t, nil)
			admin := bearer(adminToken(t, s))
			refreshable := mustAccessToken(t, s, admin, jsonBody{"refreshable": true})
			plain := mustAccessToken(t, s, admin, jsonBody{})
			legacy := mustToken(t, s, asAlice, form("refreshable", "true"))
			before := len(s.Tokens())

			resp := sendBody(t, s, http.MethodPost, accessTokensPath, tt.caller,
				tt.body(refreshable, plain, legacy))

			wantAccessError(t, resp, tt.wantStatus, tt.wantCode, tt.wantMessage)
			if n := len(s.Tokens()) - before; n != 0 {
				t.Errorf("a refused refresh issued %d tokens", n)
			}
			// A refused refresh spends no refresh token.
			mustAccessToken(t, s, nil, accessRefresh(refreshable))
			mustToken(t, s, nil, refreshForm(legacy))
		})
	}
}

func TestAccessRefreshTokenIsRefusedByTheLegacyEndpoint(t *testing.T) {
	s, _ := startEmulator(t, nil)
	old := mustAccessToken(t, s, bearer(adminToken(t, s)), jsonBody{"refreshable": true})

	resp := send(t, s, http.MethodPost, tokenPath, nil, form("grant_type", "refresh_token",
		"refresh_token", old.RefreshToken, "access_token", old.AccessToken))

	wantOAuthError(t, resp, http.StatusBadRequest, "invalid_grant", "refresh")
}

func TestAccessRefreshOfRevokedTokenIsRefused(t *testing.T) {
	s, _ := startEmulator(t, nil)
	admin := bearer(adminToken(t, s))
	old := mustAccessToken(t, s, admin, jsonBody{"refreshable": true})
	sendBody(t, s, http.MethodDelete, accessTokensPath+"/"+old.TokenID, admin, nil)

	resp := sendBody(t, s, http.MethodPost, accessTokensPath, nil, accessRefresh(old))

	if resp.status != http.StatusNotFound || resp.body != refreshNotFound {
		t.Errorf("refresh of a revoked token: %d %s, want 404", resp.status, resp.body)
	}
}

func TestAccessConcurrentRefreshesOnlyOneWins(t *testing.T) {
	s, _ := startEmulator(t, nil)
	old := mustAccessToken(t, s, bearer(adminToken(t, s)), jsonBody{"refreshable": true})
	const racers = 8

	statuses := make(chan int, racers)
	var wg sync.WaitGroup
	for range racers {
		wg.Go(func() {
			resp, err := testClient.PostForm(s.URL()+accessTokensPath, form(
				"grant_type", "refresh_token", "refresh_token", old.RefreshToken))
			if err != nil {
				t.Errorf("concurrent refresh: %v", err)
				return
			}
			_ = resp.Body.Close()
			statuses <- resp.StatusCode
		})
	}
	wg.Wait()
	close(statuses)

	won := 0
	for status := range statuses {
		if status == http.StatusOK {
			won++
		} else if status != http.StatusNotFound {
			t.Errorf("concurrent refresh answered %d", status)
		}
	}
	if won != 1 {
		t.Errorf("%d of %d concurrent refreshes succeeded, want exactly 1", won, racers)
	}
}
