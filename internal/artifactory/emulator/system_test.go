package emulator_test

import (
	"net/http"
	"regexp"
	"testing"

	"github.com/artifactory-token-operator/artifactory-token-operator/internal/artifactory/emulator"
)

func TestVersion(t *testing.T) {
	tests := []struct {
		name    string
		version string
		caller  auth
		want    string
	}{
		{name: "default, anonymous", want: `{"version":"7.90.0","revision":"79000900","addons":[]}`},
		{name: "configured", version: "7.77.3", caller: asAlice,
			want: `{"version":"7.77.3","revision":"77703900","addons":[]}`},
		{name: "credentials are not looked at", caller: basic("alice", "wrong"),
			want: `{"version":"7.90.0","revision":"79000900","addons":[]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, _ := startEmulator(t, func(c *emulator.Config) { c.Version = tt.version })

			resp := send(t, s, http.MethodGet, versionPath, tt.caller, nil)

			if resp.status != http.StatusOK || resp.body != tt.want {
				t.Errorf("version answered %d %s, want 200 %s", resp.status, resp.body, tt.want)
			}
		})
	}
}

func TestServiceID(t *testing.T) {
	s, _ := startEmulator(t, nil)

	admin := send(t, s, http.MethodGet, "/artifactory/api/system/service_id", asAdmin, nil)
	user := send(t, s, http.MethodGet, "/artifactory/api/system/service_id", asAlice, nil)

	if admin.status != 200 || admin.body != "jfrt@"+testServiceID ||
		admin.header.Get("Content-Type") != "text/plain" {
		t.Errorf("admin got %d %q (%s), want 200 text/plain jfrt@%s", admin.status, admin.body,
			admin.header.Get("Content-Type"), testServiceID)
	}
	wantArtifactoryError(t, user, http.StatusForbidden, "Forbidden")
}

func TestServiceIDDefaultsToAUUID(t *testing.T) {
	s, _ := startEmulator(t, func(c *emulator.Config) { c.ServiceID = "" })
	uuid := regexp.MustCompile(
		`^jfrt@[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

	resp := send(t, s, http.MethodGet, "/artifactory/api/system/service_id", asAdmin, nil)

	if !uuid.MatchString(resp.body) || resp.body != s.ServiceID() {
		t.Errorf("service id %q (ServiceID() %q), want jfrt@<uuid> and the same",
			resp.body, s.ServiceID())
	}
}

func TestServiceIDPrefixInConfigIsDropped(t *testing.T) {
	s, _ := startEmulator(t, func(c *emulator.Config) { c.ServiceID = "jfrt@abc" })

	if got := s.ServiceID(); got != "jfrt@abc" {
		t.Errorf("ServiceID() = %q, want jfrt@abc", got)
	}
}

func TestPing(t *testing.T) {
	s, _ := startEmulator(t, func(c *emulator.Config) { c.BlockAfterFailures = -1 })
	token := mustToken(t, s, asBob, form()).AccessToken
	xrayOnly := mustToken(t, s, asAdmin, form("audience", "jfxr@*")).AccessToken

	tests := []struct {
		name       string
		caller     auth
		wantStatus int
	}{
		{"password", asBob, 200},
		{"bearer token", bearer(token), 200},
		{"basic user and token", basic("bob", token), 200},
		{"wrong password", basic("bob", "x"), 401},
		{"token for another service", bearer(xrayOnly), 401},
		{"anonymous", nil, 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := send(t, s, http.MethodGet, pingPath, tt.caller, nil)

			if resp.status != tt.wantStatus {
				t.Fatalf("ping = %d %s, want %d", resp.status, resp.body, tt.wantStatus)
			}
			if tt.wantStatus == 200 && resp.body != "OK" {
				t.Errorf("ping body = %q, want OK", resp.body)
			}
		})
	}
}

func TestUnknownRoutes(t *testing.T) {
	s, _ := startEmulator(t, nil)

	notFound := send(t, s, http.MethodGet, "/artifactory/api/nothing", asAdmin, nil)
	wrongMethod := send(t, s, http.MethodDelete, tokenPath, asAdmin, nil)

	wantArtifactoryError(t, notFound, http.StatusNotFound, "Not Found")
	wantArtifactoryError(t, wrongMethod, http.StatusMethodNotAllowed, "Method Not Allowed")
}
