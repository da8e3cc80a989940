package emulator_test

import (
	"net/http"
	"testing"

	"github.com/artifactory-token-operator/artifactory-token-operator/internal/artifactory/emulator"
)

func TestAccessAPIIsGatedByVersion(t *testing.T) {
	tests := []struct {
		name     string
		version  string
		disable  bool
		wantHere bool
	}{
		{"default version", "", false, true},
		{"first version with it", "7.21.1", false, true},
		{"just before", "7.21.0", false, false},
		{"a 6.x server", "6.23.42", false, false},
		{"switched off on a current version", "7.90.0", true, false},
		{"a version the emulator cannot read counts as current", "dev", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, _ := startEmulator(t, func(c *emulator.Config) {
				c.Version, c.DisableAccessAPI = tt.version, tt.disable
			})
			admin := bearer(adminToken(t, s))

			create := sendBody(t, s, http.MethodPost, accessTokensPath, admin, jsonBody{})
			list := sendBody(t, s, http.MethodGet, accessTokensPath, admin, nil)
			revoke := sendBody(t, s, http.MethodDelete, accessTokensPath+"/x", admin, nil)

			if !tt.wantHere {
				for _, resp := range []response{create, list, revoke} {
					wantAccessError(t, resp, http.StatusNotFound, "NOT_FOUND", "Not Found")
				}
				if calls := s.Calls(); calls[len(calls)-3].GrantType != "" {
					t.Errorf("a POST to an absent API recorded grant type %q",
						calls[len(calls)-3].GrantType)
				}
				return
			}
			if create.status != 200 || list.status != 200 || revoke.status != 404 {
				t.Errorf("create %d, list %d, revoke unknown %d; want 200, 200, 404",
					create.status, list.status, revoke.status)
			}
		})
	}
}

func TestAccessFeaturesFollowVersion(t *testing.T) {
	tests := []struct {
		name    string
		version string
		body    jsonBody
		check   func(t *testing.T, resp response, rec emulator.TokenRecord)
	}{
		{
			name: "refresh before 7.37.9", version: "7.37.8",
			body: jsonBody{"grant_type": "refresh_token", "refresh_token": "x"},
			check: func(t *testing.T, resp response, _ emulator.TokenRecord) {
				wantAccessError(t, resp, 400, "BAD_REQUEST", "grant_type")
			},
		},
		{
			name: "reference tokens before 7.38.10", version: "7.38.9",
			body: jsonBody{"include_reference_token": true},
			check: func(t *testing.T, resp response, rec emulator.TokenRecord) {
				wantStatusAnd(t, resp, rec.ReferenceToken == "", "no reference token")
			},
		},
		{
			name: "reference tokens from 7.38.10", version: "7.38.10",
			body: jsonBody{"include_reference_token": true},
			check: func(t *testing.T, resp response, rec emulator.TokenRecord) {
				wantStatusAnd(t, resp, rec.ReferenceToken != "", "a reference token")
			},
		},
		{
			name: "never expiring before 7.42.1 gets the default", version: "7.42.0",
			body: jsonBody{"expires_in": 0},
			check: func(t *testing.T, resp response, rec emulator.TokenRecord) {
				wantStatusAnd(t, resp, rec.ExpiresAt != nil &&
					rec.ExpiresAt.Sub(rec.IssuedAt).Seconds() == oneYear, "a year")
			},
		},
		{
			name: "never expiring from 7.42.1", version: "7.42.1",
			body: jsonBody{"expires_in": 0},
			check: func(t *testing.T, resp response, rec emulator.TokenRecord) {
				wantStatusAnd(t, resp, rec.ExpiresAt == nil, "no expiry")
			},
		},
		{
			name: "force_revocable before 7.50.3", version: "7.50.2",
			body: jsonBody{"expires_in": 60, "force_revocable": true},
			check: func(t *testing.T, resp response, rec emulator.TokenRecord) {
				wantStatusAnd(t, resp, !rec.Revocable, "not revocable")
			},
		},
		{
			name: "force_revocable from 7.50.3", version: "7.50.3",
			body: jsonBody{"expires_in": 60, "force_revocable": true},
			check: func(t *testing.T, resp response, rec emulator.TokenRecord) {
				wantStatusAnd(t, resp, rec.Revocable, "revocable")
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, _ := startEmulator(t, func(c *emulator.Config) { c.Version = tt.version })
			admin := bearer(adminToken(t, s))

			resp := sendBody(t, s, http.MethodPost, accessTokensPath, admin, tt.body)

			var answer accessAnswer
			var rec emulator.TokenRecord
			if resp.status == 200 {
				decodeJSON(t, resp.body, &answer)
				rec = recordByID(t, s, answer.TokenID)
			}
			tt.check(t, resp, rec)
		})
	}
}

// wantStatusAnd wants a 200 answer and ok.
func wantStatusAnd(t *testing.T, resp response, ok bool, what string) {
	t.Helper()
	if resp.status != 200 {
		t.Fatalf("status %d (%s), want 200", resp.status, resp.body)
	}
	if !ok {
		t.Errorf("want %s, got answer %s", what, resp.body)
	}
}
