package emulator_test

import (
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"
)

// refreshForm is the form of a refresh for the answer's pair.
func refreshForm(answer tokenAnswer, extra ...string) url.Values {
	f := form(extra...)
	f.Set("grant_type", "refresh_token")
	f.Set("refresh_token", answer.RefreshToken)
	f.Set("access_token", answer.AccessToken)
	return f
}

func TestRefreshCopiesSettings(t *testing.T) {
	s, clock := startEmulator(t, nil)
	old := mustToken(t, s, asAdmin, form("username", "alice",
		"scope", "member-of-groups:readers", "expires_in", "600",
		"refreshable", "true", "audience", "jfrt@* jfxr@*"))
	clock.Advance(100 * time.Second)

	// No Authorization header: the pair is the credential.
	fresh := mustToken(t, s, nil, refreshForm(old))

	if *fresh.ExpiresIn != 600 || fresh.Scope != old.Scope {
		t.Errorf("refreshed expires_in %d scope %q, want 600 and %q",
			*fresh.ExpiresIn, fresh.Scope, old.Scope)
	}
	if fresh.RefreshToken == "" || fresh.RefreshToken == old.RefreshToken {
		t.Errorf("refresh_token = %q, want a new one (old %q)", fresh.RefreshToken, old.RefreshToken)
	}
	if fresh.AccessToken == old.AccessToken {
		t.Errorf("refresh answered the old access token")
	}
	rec := recordFor(t, s, fresh.AccessToken)
	if rec.Username != "alice" || rec.Audience != "jfrt@* jfxr@*" || !rec.Refreshable {
		t.Errorf("refreshed record = %+v, want alice, audience 'jfrt@* jfxr@*', refreshable", rec)
	}
	if !rec.IssuedAt.Equal(clock.Now()) {
		t.Errorf("refreshed IssuedAt = %v, want %v", rec.IssuedAt, clock.Now())
	}
	wantExpiry(t, rec.ExpiresAt, rec.IssuedAt, 600)
	if err := s.Validate(old.AccessToken); err != nil {
		t.Errorf("old access token after refresh: %v, want it valid until it expires", err)
	}
}

func TestRefreshTokenIsSingleUse(t *testing.T) {
	s, _ := startEmulator(t, nil)
	first := mustToken(t, s, asAlice, form("refreshable", "true"))
	second := mustToken(t, s, nil, refreshForm(first))

	reuse := send(t, s, http.MethodPost, tokenPath, nil, refreshForm(first))

	wantOAuthError(t, reuse, http.StatusBadRequest, "invalid_grant", "refresh token")
	third := mustToken(t, s, nil, refreshForm(second))
	if third.AccessToken == second.AccessToken {
		t.Errorf("the chain's next refresh answered the same token")
	}
}

func TestRefreshRefusals(t *testing.T) {
	tests := []struct {
		name   string
		caller auth
		// build returns the refresh form, given a refreshable token and a
		// non-refreshable one.
		build       func(refreshable, plain tokenAnswer) url.Values
		wantStatus  int
		wantCode    string // OAuth error code, or "" for an Artifactory error
		wantMessage string // part of the description, or the exact message
	}{
		{
			name: "refresh token of another access token",
			build: func(r, p tokenAnswer) url.Values {
				return form("grant_type", "refresh_token",
					"refresh_token", r.RefreshToken, "access_token", p.AccessToken)
			},
			wantStatus: 400, wantCode: "invalid_grant", wantMessage: "refresh",
		},
		{
			name: "unknown refresh token",
			build: func(r, _ tokenAnswer) url.Values {
				return form("grant_type", "refresh_token",
					"refresh_token", "f00d", "access_token", r.AccessToken)
			},
			wantStatus: 400, wantCode: "invalid_grant", wantMessage: "refresh",
		},
		{
			name: "no access token",
			build: func(r, _ tokenAnswer) url.Values {
				return form("grant_type", "refresh_token", "refresh_token", r.RefreshToken)
			},
			wantStatus: 400, wantCode: "invalid_request", wantMessage: "access_token",
		},
		{
			name:       "override without credentials",
			build:      func(r, _ tokenAnswer) url.Values { return refreshForm(r, "expires_in", "60") },
			wantStatus: 401, wantMessage: "Authentication is required",
		},
		{
			name:       "override by a non-admin",
			caller:     asAlice,
			build:      func(r, _ tokenAnswer) url.Values { return refreshForm(r, "expires_in", "60") },
			wantStatus: 403, wantCode: "access_denied", wantMessage: "admin",
		},
		{
			name:       "bad credentials alongside the pair",
			caller:     basic("alice", "wrong"),
			build:      func(r, _ tokenAnswer) url.Values { return refreshForm(r) },
			wantStatus: 401, wantMessage: "Bad Credentials",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, _ := startEmulator(t, nil)
			refreshable := mustToken(t, s, asAlice, form("refreshable", "true"))
			plain := mustToken(t, s, asAlice, form())

			resp := send(t, s, http.MethodPost, tokenPath, tt.caller, tt.build(refreshable, plain))

			if tt.wantCode != "" {
				wantOAuthError(t, resp, tt.wantStatus, tt.wantCode, tt.wantMessage)
			} else {
				wantArtifactoryError(t, resp, tt.wantStatus, tt.wantMessage)
			}
			if n := len(s.Tokens()); n != 2 {
				t.Errorf("a refused refresh issued a token: %d tokens, want 2", n)
			}
			// A refused refresh must not spend the refresh token.
			mustToken(t, s, nil, refreshForm(refreshable))
		})
	}
}

func TestRefreshOfRevokedTokenIsRefused(t *testing.T) {
	s, _ := startEmulator(t, nil)
	old := mustToken(t, s, asAlice, form("refreshable", "true"))
	send(t, s, http.MethodPost, revokePath, asAdmin, form("token_id", recordFor(t, s,
		old.AccessToken).ID))

	resp := send(t, s, http.MethodPost, tokenPath, nil, refreshForm(old))

	wantOAuthError(t, resp, http.StatusBadRequest, "invalid_grant", "refresh")
}

func TestRefreshOverridesByAdmin(t *testing.T) {
	s, _ := startEmulator(t, nil)
	old := mustToken(t, s, asAlice, form("refreshable", "true", "expires_in", "3600"))

	fresh := mustToken(t, s, asAdmin, refreshForm(old, "expires_in", "0",
		"scope", "member-of-groups:writers"))

	if *fresh.ExpiresIn != 0 || fresh.Scope != "member-of-groups:writers api:*" {
		t.Errorf("refresh with overrides: expires_in %d scope %q, want 0 and the new scope",
			*fresh.ExpiresIn, fresh.Scope)
	}
	if got := recordFor(t, s, fresh.AccessToken).Username; got != "alice" {
		t.Errorf("overrides without username moved the token to %q", got)
	}
}

func TestConcurrentRefreshesOnlyOneWins(t *testing.T) {
	s, _ := startEmulator(t, nil)
	old := mustToken(t, s, asAlice, form("refreshable", "true"))
	const racers = 8

	statuses := make(chan int, racers)
	var wg sync.WaitGroup
	for range racers {
		wg.Go(func() {
			resp, err := testClient.PostForm(s.URL()+tokenPath, refreshForm(old))
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
		} else if status != http.StatusBadRequest {
			t.Errorf("concurrent refresh answered %d", status)
		}
	}
	if won != 1 {
		t.Errorf("%d of %d concurrent refreshes succeeded, want exactly 1", won, racers)
	}
}
