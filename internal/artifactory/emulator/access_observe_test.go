package emulator_test

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/artifactory-token-operator/artifactory-token-operator/internal/artifactory/emulator"
)

func TestAccessCallsRecordGrantTypes(t *testing.T) {
	s, clock := startEmulator(t, nil)
	admin := bearer(adminToken(t, s))
	old := mustAccessToken(t, s, admin, jsonBody{"refreshable": true})
	fresh := mustAccessToken(t, s, nil, accessRefresh(old))
	mustAccessToken(t, s, admin, form("grant_type", "client_credentials"))
	mustAccessToken(t, s, nil, form("grant_type", "refresh_token",
		"refresh_token", fresh.RefreshToken))
	sendBody(t, s, http.MethodGet, accessTokensPath, admin, nil)

	want := []emulator.Call{
		{Method: "POST", Path: tokenPath, Status: 200, GrantType: "client_credentials"},
		{Method: "POST", Path: accessTokensPath, Status: 200, GrantType: "client_credentials"},
		{Method: "POST", Path: accessTokensPath, Status: 200, GrantType: "refresh_token"},
		{Method: "POST", Path: accessTokensPath, Status: 200, GrantType: "client_credentials"},
		{Method: "POST", Path: accessTokensPath, Status: 200, GrantType: "refresh_token"},
		{Method: "GET", Path: accessTokensPath, Status: 200},
	}
	got := s.Calls()
	if len(got) != len(want) {
		t.Fatalf("Calls() = %+v, want %d calls", got, len(want))
	}
	for i := range want {
		want[i].Time = clock.Now()
		if got[i] != want[i] {
			t.Errorf("call %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if n := s.CountCalls(http.MethodPost, "/access/"); n != 4 {
		t.Errorf("CountCalls(POST, /access/) = %d, want 4", n)
	}
}

func TestAccessFaultsAndMaxLifetime(t *testing.T) {
	s, _ := startEmulator(t, nil)
	admin := bearer(adminToken(t, s))
	s.InjectFault(emulator.Fault{Method: "POST", PathPrefix: "/access/", Status: 503, Times: 1})

	faulted := sendBody(t, s, http.MethodPost, accessTokensPath, admin, jsonBody{})
	before := len(s.Tokens())
	s.SetMaxLifetime(30 * time.Minute)
	clamped := mustAccessToken(t, s, admin, jsonBody{"expires_in": 0})

	if faulted.status != 503 || before != 1 {
		t.Errorf("faulted create: %d with %d tokens, want 503 and only the admin's",
			faulted.status, before)
	}
	wantExpiresIn(t, clamped.ExpiresIn, 1800)
	if rec := recordByID(t, s, clamped.TokenID); rec.Revocable || rec.Persistent {
		t.Errorf("clamped record %+v: the granted 30 minutes decide, want neither "+
			"revocable nor stored", rec)
	}
}

func TestAccessTokensInIntrospection(t *testing.T) {
	s, _ := startEmulator(t, nil)
	admin := bearer(adminToken(t, s))
	answer := mustAccessToken(t, s, admin, jsonBody{"refreshable": true,
		"include_reference_token": true, "description": "ci"})

	secrets := s.IssuedSecrets()
	resp := control(t, s, http.MethodGet, "/_emulator/tokens", "")

	for _, secret := range []string{answer.AccessToken, answer.RefreshToken,
		answer.ReferenceToken} {
		if !slices.Contains(secrets, secret) {
			t.Errorf("IssuedSecrets() lacks one of the Access answer's values")
		}
		if strings.Contains(resp.body, secret) {
			t.Errorf("/_emulator/tokens shows a secret value")
		}
	}
	var got struct {
		Tokens []map[string]any `json:"tokens"`
	}
	decodeJSON(t, resp.body, &got)
	last := got.Tokens[len(got.Tokens)-1]
	want := map[string]any{"api": "access", "description": "ci", "revocable": true,
		"persistent": true, "id": answer.TokenID}
	for k, v := range want {
		if last[k] != v {
			t.Errorf("/_emulator/tokens %s = %v, want %v", k, last[k], v)
		}
	}
	if first := got.Tokens[0]; first["api"] != "legacy" {
		t.Errorf("/_emulator/tokens api of the legacy token = %v", first["api"])
	}
}

func TestAccessReferenceTokenValidates(t *testing.T) {
	s, _ := startEmulator(t, nil)
	admin := bearer(adminToken(t, s))
	answer := mustAccessToken(t, s, admin, jsonBody{"include_reference_token": true})

	live := s.Validate(answer.ReferenceToken)
	sendBody(t, s, http.MethodDelete, accessTokensPath+"/"+answer.TokenID, admin, nil)
	revoked := s.Validate(answer.ReferenceToken)
	unknown := s.Validate("cmVmd" + strings.Repeat("x", 59))

	if live != nil {
		t.Errorf("Validate(reference token) = %v, want nil", live)
	}
	if !errors.Is(revoked, emulator.ErrTokenRevoked) || !errors.Is(unknown,
		emulator.ErrTokenInvalid) {
		t.Errorf("Validate after revoke = %v, of an unknown one = %v", revoked, unknown)
	}
}

func TestAccessUnmatchedRoutes(t *testing.T) {
	s, _ := startEmulator(t, nil)
	admin := bearer(adminToken(t, s))

	tests := []struct {
		method, path string
		wantStatus   int
		wantCode     string
	}{
		{http.MethodPut, accessTokensPath, 405, "METHOD_NOT_ALLOWED"},
		{http.MethodPut, accessTokensPath + "/some-id", 405, "METHOD_NOT_ALLOWED"},
		{http.MethodGet, "/access/api/v1/nothing", 404, "NOT_FOUND"},
		{http.MethodDelete, accessTokensPath + "/a/b", 404, "NOT_FOUND"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			resp := sendBody(t, s, tt.method, tt.path, admin, nil)

			wantAccessError(t, resp, tt.wantStatus, tt.wantCode, "")
		})
	}
}
