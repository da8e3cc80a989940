package emulator

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"
)

func TestFailureTracker(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(secs int) time.Time { return t0.Add(time.Duration(secs) * time.Second) }
	type step struct {
		fail    bool // a failure, else a success
		at      int  // seconds after t0
		blocked bool // isBlocked right after the step
	}
	tests := []struct {
		name      string
		threshold int
		steps     []step
	}{
		{"blocks at the threshold", 3, []step{
			{true, 0, false}, {true, 1, false}, {true, 2, true},
		}},
		{"block lifts after blockFor", 2, []step{
			{true, 0, false}, {true, 1, true}, {true, 10, true}, {true, 11, false},
		}},
		{"failures outside the window do not add up", 2, []step{
			{true, 0, false}, {true, 61, false}, {true, 62, true},
		}},
		{"success forgets failures", 2, []step{
			{true, 0, false}, {false, 1, false}, {true, 2, false}, {true, 3, true},
		}},
		{"negative threshold never blocks", -1, []step{
			{true, 0, false}, {true, 0, false}, {true, 0, false},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ft := newFailureTracker(tt.threshold, time.Minute, 10*time.Second)
			for i, st := range tt.steps {
				if st.fail && !ft.isBlocked("k", at(st.at)) {
					ft.recordFailure("k", at(st.at))
				} else if !st.fail {
					ft.recordSuccess("k")
				}
				if got := ft.isBlocked("k", at(st.at)); got != st.blocked {
					t.Fatalf("step %d: blocked = %v, want %v", i, got, st.blocked)
				}
				if ft.isBlocked("other", at(st.at)) {
					t.Fatalf("step %d: an unrelated key is blocked", i)
				}
			}
		})
	}
}

func TestClampLifetime(t *testing.T) {
	tests := []struct {
		lifetime int64
		max      time.Duration
		want     int64
	}{
		{3600, 0, 3600},
		{0, 0, 0},
		{3600, 30 * time.Second, 30},
		{0, 30 * time.Second, 30},
		{10, 30 * time.Second, 10},
		{10, 1500 * time.Millisecond, 1},
		{10, time.Millisecond, 1},
	}
	for _, tt := range tests {
		if got := clampLifetime(tt.lifetime, tt.max); got != tt.want {
			t.Errorf("clampLifetime(%d, %v) = %d, want %d", tt.lifetime, tt.max, got, tt.want)
		}
	}
}

func TestGrantedScope(t *testing.T) {
	tests := []struct {
		requested []string
		want      string
	}{
		{nil, "api:*"},
		{[]string{"member-of-groups:a,b"}, "member-of-groups:a,b api:*"},
		{[]string{"api:*", "member-of-groups:a"}, "api:* member-of-groups:a"},
		{[]string{"member-of-groups:a", "member-of-groups:a"}, "member-of-groups:a api:*"},
	}
	for _, tt := range tests {
		if got := grantedScope(tt.requested); got != tt.want {
			t.Errorf("grantedScope(%q) = %q, want %q", tt.requested, got, tt.want)
		}
	}
}

func TestAudienceAccepts(t *testing.T) {
	s := &Server{serviceID: "abc"}
	tests := []struct {
		audience []string
		want     bool
	}{
		{[]string{"jfrt@abc"}, true},
		{[]string{"jfrt@*"}, true},
		{[]string{"*@*"}, true},
		{[]string{"*@abc"}, true},
		{[]string{"jfxr@*", "jfrt@abc"}, true},
		{[]string{"jfrt@other"}, false},
		{[]string{"jfxr@*"}, false},
		{nil, false},
	}
	for _, tt := range tests {
		if got := s.audienceAccepts(tt.audience); got != tt.want {
			t.Errorf("audienceAccepts(%q) = %v, want %v", tt.audience, got, tt.want)
		}
	}
}

func TestScopeGroups(t *testing.T) {
	user := []string{"readers", "writers"}
	tests := []struct {
		scope []string
		want  []string
	}{
		{[]string{"api:*"}, user},
		{[]string{"member-of-groups:readers"}, []string{"readers"}},
		{[]string{"member-of-groups:*"}, user},
		{
			[]string{"member-of-groups:x", "member-of-groups:*,y"},
			[]string{"readers", "writers", "x", "y"},
		},
	}
	for _, tt := range tests {
		got := scopeGroups(tt.scope, user)
		if len(got) != len(tt.want) {
			t.Errorf("scopeGroups(%q) = %q, want %q", tt.scope, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("scopeGroups(%q) = %q, want %q", tt.scope, got, tt.want)
			}
		}
	}
}

func TestRevisionOf(t *testing.T) {
	for version, want := range map[string]string{
		"7.90.0": "79000900", "7.77.3": "77703900", "6.9.1": "60901900",
		"7.90": "1", "x.y.z": "1",
	} {
		if got := revisionOf(version); got != want {
			t.Errorf("revisionOf(%q) = %q, want %q", version, got, want)
		}
	}
}

func TestValidateRefusesSignedButUnissuedTokens(t *testing.T) {
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	forged, err := s.signer.sign(accessClaims{id: newUUID(), issuedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}

	if err := s.Validate(forged); !errors.Is(err, ErrTokenUnknown) {
		t.Errorf("Validate(signed, never issued) = %v, want ErrTokenUnknown", err)
	}
}

// TestLatencyWaitEndsWithTheRequest proves a request abandoned during the
// latency stops waiting at once rather than holding a goroutine for it.
func TestLatencyWaitEndsWithTheRequest(t *testing.T) {
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	url, err := s.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = s.Close() }()
	s.SetLatency(time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url+versionPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			_ = resp.Body.Close()
		}
		done <- err
	}()

	waitFor(t, "the request to wait", func() bool { return s.switches.waiting.Load() == 1 })
	cancel()

	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("client error = %v, want context.Canceled", err)
	}
	waitFor(t, "the wait to end", func() bool { return s.switches.waiting.Load() == 0 })
}

// waitFor polls cond until it holds or five seconds pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
