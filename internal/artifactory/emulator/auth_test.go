package emulator_test

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/artifactory-token-operator/artifactory-token-operator/internal/artifactory/emulator"
)

const blockedBody = `{"errors":[{"status":403,"message":"This request is blocked due to ` +
	`recurrent request failures, please try again later."}]}`

func TestRecurrentFailuresBlock(t *testing.T) {
	s, clock := startEmulator(t, func(c *emulator.Config) {
		c.BlockAfterFailures = 3
		c.BlockFor = 10 * time.Second
	})

	for i := range 3 {
		resp := send(t, s, http.MethodGet, pingPath, basic("admin", "wrong"), nil)
		wantArtifactoryError(t, resp, http.StatusUnauthorized, "Bad Credentials")
		if t.Failed() {
			t.Fatalf("failure %d was not answered 401", i+1)
		}
	}

	blocked := send(t, s, http.MethodPost, tokenPath, asAdmin, form())
	if blocked.status != http.StatusForbidden || blocked.body != blockedBody {
		t.Errorf("right password while blocked: %d %s, want 403 %s",
			blocked.status, blocked.body, blockedBody)
	}
	if other := send(t, s, http.MethodGet, pingPath, asBob, nil); other.status != 200 {
		t.Errorf("another user during the block: %d, want 200", other.status)
	}
	clock.Advance(9 * time.Second)
	if still := send(t, s, http.MethodGet, pingPath, asAdmin, nil); still.status != 403 {
		t.Errorf("1s before the block ends: %d, want 403", still.status)
	}
	clock.Advance(time.Second)
	if after := send(t, s, http.MethodGet, pingPath, asAdmin, nil); after.status != 200 {
		t.Errorf("after the block: %d %s, want 200", after.status, after.body)
	}
}

func TestRecurrentFailuresDefaults(t *testing.T) {
	s, clock := startEmulator(t, nil)

	for range 5 {
		send(t, s, http.MethodGet, pingPath, basic("alice", "wrong"), nil)
	}
	blocked := send(t, s, http.MethodGet, pingPath, asAlice, nil)
	clock.Advance(5 * time.Second)
	after := send(t, s, http.MethodGet, pingPath, asAlice, nil)

	if blocked.status != 403 || after.status != 200 {
		t.Errorf("after 5 failures: %d, 5s later: %d; want 403 then 200",
			blocked.status, after.status)
	}
}

func TestRecurrentFailuresBlockDisabled(t *testing.T) {
	s, _ := startEmulator(t, func(c *emulator.Config) { c.BlockAfterFailures = -1 })

	for range 20 {
		send(t, s, http.MethodGet, pingPath, basic("alice", "wrong"), nil)
	}
	resp := send(t, s, http.MethodGet, pingPath, asAlice, nil)

	if resp.status != 200 {
		t.Errorf("with blocking disabled, right password after 20 failures: %d", resp.status)
	}
}

func TestExpiredTokenIsRefused(t *testing.T) {
	s, clock := startEmulator(t, nil)
	answer := mustToken(t, s, asAlice, form("expires_in", "60"))

	clock.Advance(59 * time.Second)
	before := send(t, s, http.MethodGet, pingPath, bearer(answer.AccessToken), nil)
	clock.Advance(time.Second)
	after := send(t, s, http.MethodGet, pingPath, bearer(answer.AccessToken), nil)
	create := send(t, s, http.MethodPost, tokenPath, basic("alice", answer.AccessToken), form())

	if before.status != 200 {
		t.Errorf("ping 1s before expiry: %d, want 200", before.status)
	}
	wantArtifactoryError(t, after, http.StatusUnauthorized, "Bad Credentials")
	wantArtifactoryError(t, create, http.StatusUnauthorized, "Bad Credentials")
	if err := s.Validate(answer.AccessToken); !errors.Is(err, emulator.ErrTokenExpired) {
		t.Errorf("Validate(expired) = %v, want ErrTokenExpired", err)
	}
	if live := s.LiveTokens(); len(live) != 0 {
		t.Errorf("LiveTokens() = %d tokens, want none after expiry", len(live))
	}
	if all := s.Tokens(); len(all) != 1 || all[0].Revoked {
		t.Errorf("Tokens() = %+v, want the expired token, unrevoked", all)
	}
}

func TestRevokedTokenCountsAsBadCredentials(t *testing.T) {
	s, _ := startEmulator(t, func(c *emulator.Config) { c.BlockAfterFailures = 2 })
	answer := mustToken(t, s, asAlice, form())
	send(t, s, http.MethodPost, revokePath, asAdmin, form("token", answer.AccessToken))

	first := send(t, s, http.MethodGet, pingPath, bearer(answer.AccessToken), nil)
	second := send(t, s, http.MethodGet, pingPath, bearer(answer.AccessToken), nil)
	third := send(t, s, http.MethodGet, pingPath, asAlice, nil)

	wantArtifactoryError(t, first, http.StatusUnauthorized, "Bad Credentials")
	wantArtifactoryError(t, second, http.StatusUnauthorized, "Bad Credentials")
	if third.status != http.StatusForbidden || third.body != blockedBody {
		t.Errorf("alice after two revoked-token logins: %d %s, want the 403 block",
			third.status, third.body)
	}
}
