package emulator_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/artifactory-token-operator/artifactory-token-operator/internal/artifactory/emulator"
)

// control sends a JSON body to a control endpoint.
func control(t *testing.T, s *emulator.Server, method, path, body string) response {
	t.Helper()
	req, err := http.NewRequest(method, s.URL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	return roundTrip(t, req)
}

func TestControlFaults(t *testing.T) {
	s, _ := startEmulator(t, nil)

	injected := control(t, s, http.MethodPost, "/_emulator/faults",
		`{"method":"GET","pathPrefix":"/artifactory/api/system/version","status":503,`+
			`"body":"down","retryAfter":"3s","times":1}`)
	faulted := send(t, s, http.MethodGet, versionPath, nil, nil)
	served := send(t, s, http.MethodGet, versionPath, nil, nil)
	control(t, s, http.MethodPost, "/_emulator/faults", `{"status":500}`)
	cleared := control(t, s, http.MethodDelete, "/_emulator/faults", "")
	afterClear := send(t, s, http.MethodGet, versionPath, nil, nil)

	if injected.status != http.StatusNoContent || cleared.status != http.StatusNoContent {
		t.Errorf("control answers %d and %d, want 204", injected.status, cleared.status)
	}
	if faulted.status != 503 || faulted.body != "down" || faulted.header.Get("Retry-After") != "3" {
		t.Errorf("faulted answer %d %q Retry-After %q, want 503 down 3",
			faulted.status, faulted.body, faulted.header.Get("Retry-After"))
	}
	if served.status != 200 || afterClear.status != 200 {
		t.Errorf("after times ran out: %d, after DELETE: %d, want 200 both",
			served.status, afterClear.status)
	}
}

func TestControlLatencyAndMaxLifetime(t *testing.T) {
	s, _ := startEmulator(t, nil)

	control(t, s, http.MethodPut, "/_emulator/max-lifetime", `{"maxLifetime":"30s"}`)
	clamped := mustToken(t, s, asAdmin, form("expires_in", "0"))
	control(t, s, http.MethodPut, "/_emulator/max-lifetime", `{"maxLifetime":"0s"}`)
	unclamped := mustToken(t, s, asAdmin, form("expires_in", "0"))
	control(t, s, http.MethodPut, "/_emulator/latency", `{"latency":"150ms"}`)
	start := time.Now()
	send(t, s, http.MethodGet, versionPath, nil, nil)
	delayed := time.Since(start)

	if *clamped.ExpiresIn != 30 || *unclamped.ExpiresIn != 0 {
		t.Errorf("expires_in with cap %d, after lifting it %d; want 30 and 0",
			*clamped.ExpiresIn, *unclamped.ExpiresIn)
	}
	if delayed < 150*time.Millisecond {
		t.Errorf("answered after %v with 150ms latency", delayed)
	}
}

func TestControlOutageStaysReachable(t *testing.T) {
	s, _ := startEmulator(t, nil)

	on := control(t, s, http.MethodPut, "/_emulator/outage", `{"outage":true}`)
	dropped, outageErr := testClient.Get(s.URL() + versionPath)
	if outageErr == nil {
		_ = dropped.Body.Close()
	}
	off := control(t, s, http.MethodPut, "/_emulator/outage", `{"outage":false}`)
	after := send(t, s, http.MethodGet, versionPath, nil, nil)

	if on.status != 204 || off.status != 204 {
		t.Errorf("outage switches answered %d and %d, want 204", on.status, off.status)
	}
	if outageErr == nil || after.status != 200 {
		t.Errorf("during the outage err = %v; after it %d; want an error, then 200",
			outageErr, after.status)
	}
}

func TestControlRefusesBadBodies(t *testing.T) {
	tests := []struct {
		method, path, body string
	}{
		{http.MethodPost, "/_emulator/faults", `{"status":"five hundred"}`},
		{http.MethodPost, "/_emulator/faults", `{"status":1000}`},
		{http.MethodPost, "/_emulator/faults", `{"retryAfter":"soon"}`},
		{http.MethodPost, "/_emulator/faults", `{"unknown":1}`},
		{http.MethodPut, "/_emulator/latency", `{"latency":"-1s"}`},
		{http.MethodPut, "/_emulator/max-lifetime", `not json`},
		{http.MethodPut, "/_emulator/outage", `{}`},
	}
	for _, tt := range tests {
		t.Run(tt.path+" "+tt.body, func(t *testing.T) {
			t.Parallel()
			s, _ := startEmulator(t, nil)

			resp := control(t, s, tt.method, tt.path, tt.body)

			if resp.status != http.StatusBadRequest || !strings.Contains(resp.body, `"errors"`) {
				t.Errorf("answer %d %s, want 400 with an errors body", resp.status, resp.body)
			}
			if after := send(t, s, http.MethodGet, versionPath, nil, nil); after.status != 200 {
				t.Errorf("a refused control call changed the switches: version %d", after.status)
			}
		})
	}
}

func TestControlTokensHidesSecrets(t *testing.T) {
	s, _ := startEmulator(t, nil)
	mustToken(t, s, asAdmin, form("username", "alice", "refreshable", "true",
		"expires_in", "0"))
	mustToken(t, s, asBob, form())

	resp := control(t, s, http.MethodGet, "/_emulator/tokens", "")

	var got struct {
		Tokens []struct {
			ID        string     `json:"id"`
			Username  string     `json:"username"`
			ExpiresAt *time.Time `json:"expiresAt"`
			Revoked   bool       `json:"revoked"`
		} `json:"tokens"`
	}
	decodeJSON(t, resp.body, &got)
	records := s.Tokens()
	if len(got.Tokens) != len(records) {
		t.Fatalf("listed %d tokens, want %d", len(got.Tokens), len(records))
	}
	for i, rec := range records {
		if got.Tokens[i].ID != rec.ID || got.Tokens[i].Username != rec.Username ||
			(got.Tokens[i].ExpiresAt == nil) != (rec.ExpiresAt == nil) {
			t.Errorf("listed %+v, want the record %+v", got.Tokens[i], rec)
		}
	}
	for _, secret := range s.IssuedSecrets() {
		if strings.Contains(resp.body, secret) {
			t.Errorf("/_emulator/tokens shows a secret value")
		}
	}
	if n := len(s.IssuedSecrets()); n != 3 {
		t.Errorf("IssuedSecrets() has %d values, want 2 access tokens and 1 refresh token", n)
	}
}
