package emulator_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/artifactory-token-operator/artifactory-token-operator/internal/artifactory/emulator"
)

func TestInjectFault(t *testing.T) {
	tests := []struct {
		name            string
		fault           emulator.Fault
		method, path    string
		wantStatus      int
		wantBody        string
		wantContentType string
		wantRetryAfter  string
	}{
		{
			name: "status and text body",
			fault: emulator.Fault{Method: "POST", PathPrefix: tokenPath, Status: 503,
				Body: "Service Unavailable", RetryAfter: 1500 * time.Millisecond},
			method: "POST", path: tokenPath,
			wantStatus: 503, wantBody: "Service Unavailable", wantContentType: "text/plain",
			wantRetryAfter: "2",
		},
		{
			name:   "default status and body",
			fault:  emulator.Fault{PathPrefix: "/artifactory/api/system/"},
			method: "GET", path: versionPath,
			wantStatus:      500,
			wantBody:        `{"errors":[{"status":500,"message":"Internal Server Error"}]}`,
			wantContentType: "application/json",
		},
		{
			name: "JSON body and explicit content type",
			fault: emulator.Fault{Status: 429, Body: `{"errors":[]}`,
				ContentType: "application/vnd.custom+json"},
			method: "GET", path: pingPath,
			wantStatus: 429, wantBody: `{"errors":[]}`,
			wantContentType: "application/vnd.custom+json",
		},
		{
			name:   "method is matched case-insensitively",
			fault:  emulator.Fault{Method: "get", Status: 502},
			method: "GET", path: versionPath,
			wantStatus:      502,
			wantBody:        `{"errors":[{"status":502,"message":"Bad Gateway"}]}`,
			wantContentType: "application/json",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, _ := startEmulator(t, nil)
			s.InjectFault(tt.fault)

			resp := send(t, s, tt.method, tt.path, asAdmin, form())

			if resp.status != tt.wantStatus || resp.body != tt.wantBody {
				t.Errorf("answer %d %q, want %d %q", resp.status, resp.body, tt.wantStatus,
					tt.wantBody)
			}
			if got := resp.header.Get("Content-Type"); got != tt.wantContentType {
				t.Errorf("Content-Type = %q, want %q", got, tt.wantContentType)
			}
			if got := resp.header.Get("Retry-After"); got != tt.wantRetryAfter {
				t.Errorf("Retry-After = %q, want %q", got, tt.wantRetryAfter)
			}
			if n := len(s.Tokens()); n != 0 {
				t.Errorf("a faulted request reached the API and issued %d tokens", n)
			}
		})
	}
}

func TestFaultMatchingAndTimes(t *testing.T) {
	s, _ := startEmulator(t, nil)
	s.InjectFault(emulator.Fault{Method: "POST", PathPrefix: tokenPath, Status: 503, Times: 2})

	version := send(t, s, http.MethodGet, versionPath, nil, nil)
	list := send(t, s, http.MethodGet, tokenPath, asAdmin, nil)
	first := send(t, s, http.MethodPost, tokenPath, asAdmin, form())
	second := send(t, s, http.MethodPost, tokenPath, asAdmin, form())
	third := send(t, s, http.MethodPost, tokenPath, asAdmin, form())

	got := []int{version.status, list.status, first.status, second.status, third.status}
	want := []int{200, 200, 503, 503, 200}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("statuses = %v, want %v", got, want)
		}
	}
}

func TestClearFaults(t *testing.T) {
	s, _ := startEmulator(t, nil)
	s.InjectFault(emulator.Fault{Status: 500})
	s.InjectFault(emulator.Fault{Status: 502})

	faulted := send(t, s, http.MethodGet, versionPath, nil, nil)
	s.ClearFaults()
	cleared := send(t, s, http.MethodGet, versionPath, nil, nil)

	if faulted.status != 500 || cleared.status != 200 {
		t.Errorf("first fault wins then clear: got %d then %d, want 500 then 200",
			faulted.status, cleared.status)
	}
}

func TestLatencyDelaysAnswers(t *testing.T) {
	s, _ := startEmulator(t, nil)
	const latency = 150 * time.Millisecond
	s.SetLatency(latency)

	start := time.Now()
	delayed := send(t, s, http.MethodGet, versionPath, nil, nil)
	elapsed := time.Since(start)

	if delayed.status != 200 || elapsed < latency {
		t.Errorf("with %v latency: %d after %v, want 200 after at least the latency",
			latency, delayed.status, elapsed)
	}
}

func TestLatencyGivesWayToClientCancel(t *testing.T) {
	s, _ := startEmulator(t, nil)
	s.SetLatency(time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL()+versionPath, nil)
	if err != nil {
		t.Fatal(err)
	}

	resp, err := testClient.Do(req)

	if err == nil {
		_ = resp.Body.Close()
		t.Fatalf("request answered %d through an hour of latency", resp.StatusCode)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error = %v, want the client's deadline", err)
	}
	s.SetLatency(0)
	if after := send(t, s, http.MethodGet, versionPath, nil, nil); after.status != 200 {
		t.Errorf("after latency is off: %d", after.status)
	}
	if n := s.CountCalls(http.MethodGet, versionPath); n != 1 {
		t.Errorf("CountCalls = %d, want 1: the abandoned request was never answered", n)
	}
}

func TestOutageGivesTransportErrors(t *testing.T) {
	s, _ := startEmulator(t, nil)
	s.SetOutage(true)

	resp, err := testClient.Get(s.URL() + versionPath)

	if err == nil {
		_ = resp.Body.Close()
		t.Fatalf("during the outage the request was answered %d, want a transport error",
			resp.StatusCode)
	}
	s.SetOutage(false)
	if after := send(t, s, http.MethodGet, versionPath, nil, nil); after.status != 200 {
		t.Errorf("after the outage: %d", after.status)
	}
	if n := len(s.Calls()); n != 1 {
		t.Errorf("Calls() has %d entries, want only the one after the outage", n)
	}
}

func TestMaxLifetimeClampsGrants(t *testing.T) {
	tests := []struct {
		name        string
		maxLifetime time.Duration
		expiresIn   string
		want        int64
	}{
		{"longer request is cut", 30 * time.Second, "3600", 30},
		{"non-expiring request gets the cap", 30 * time.Second, "0", 30},
		{"shorter request is kept", 30 * time.Second, "10", 10},
		{"default lifetime is cut", 90 * time.Second, "", 90},
		{"zero caps nothing", 0, "0", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, _ := startEmulator(t, nil)
			s.SetMaxLifetime(tt.maxLifetime)

			answer := mustToken(t, s, asAdmin, form("expires_in", tt.expiresIn))

			if *answer.ExpiresIn != tt.want {
				t.Errorf("expires_in = %d, want %d", *answer.ExpiresIn, tt.want)
			}
			rec := recordFor(t, s, answer.AccessToken)
			wantExpiry(t, rec.ExpiresAt, rec.IssuedAt, tt.want)
		})
	}
}
