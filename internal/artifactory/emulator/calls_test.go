package emulator_test

import (
	"net/http"
	"testing"

	"github.com/artifactory-token-operator/artifactory-token-operator/internal/artifactory/emulator"
)

func TestCallsRecordAnswers(t *testing.T) {
	s, clock := startEmulator(t, nil)
	old := mustToken(t, s, asAlice, form("refreshable", "true"))
	mustToken(t, s, nil, refreshForm(old))
	s.InjectFault(emulator.Fault{Method: http.MethodPost, Status: 503, Times: 1})
	send(t, s, http.MethodPost, tokenPath, asAlice, form("grant_type", "client_credentials"))
	send(t, s, http.MethodGet, versionPath+"?x=1", nil, nil)
	control(t, s, http.MethodDelete, "/_emulator/faults", "")

	want := []emulator.Call{
		{Method: "POST", Path: tokenPath, Status: 200, GrantType: "client_credentials"},
		{Method: "POST", Path: tokenPath, Status: 200, GrantType: "refresh_token"},
		{Method: "POST", Path: tokenPath, Status: 503, GrantType: "client_credentials"},
		{Method: "GET", Path: versionPath, Status: 200},
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
	if n := s.CountCalls(http.MethodPost, "/artifactory/api/security/"); n != 3 {
		t.Errorf("CountCalls(POST, security) = %d, want 3", n)
	}
	if n := s.CountCalls("", "/artifactory/"); n != 4 {
		t.Errorf("CountCalls(any, /artifactory/) = %d, want 4", n)
	}
}
