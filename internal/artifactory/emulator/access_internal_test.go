package emulator

import (
	"net/http"
	"testing"
	"time"
)

func TestExpiryPolicyDecide(t *testing.T) {
	secs := func(n int64) *int64 { return &n }
	current := expiryPolicy{defaultSecs: 31536000, nonAdminMaxSecs: 3600, nonExpiring: true}
	capped := current
	capped.maxSecs = 86400
	old := current
	old.nonExpiring = false
	tests := []struct {
		name       string
		policy     expiryPolicy
		admin      bool
		requested  *int64
		want       int64
		wantStatus int // 0: granted
	}{
		{"admin, left out", current, true, nil, 31536000, 0},
		{"non-admin, left out: cut to its maximum", current, false, nil, 3600, 0},
		{"admin, left out, under a maximum", capped, true, nil, 86400, 0},
		{"admin, never expiring", current, true, secs(0), 0, 0},
		{"non-admin, never expiring", current, false, secs(0), 0, 403},
		{"admin, never expiring before 7.42.1", old, true, secs(0), 31536000, 0},
		{"admin, never expiring under a maximum", capped, true, secs(0), 0, 403},
		{"non-admin at its maximum", current, false, secs(3600), 3600, 0},
		{"non-admin beyond its maximum", current, false, secs(3601), 0, 403},
		{"admin beyond the non-admin maximum", current, true, secs(7200), 7200, 0},
		{"admin beyond the maximum", capped, true, secs(86401), 0, 403},
		{"non-admin without a maximum of its own", expiryPolicy{defaultSecs: 60,
			nonExpiring: true}, false, secs(99999), 99999, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.policy.decide(tt.admin, tt.requested)

			if tt.wantStatus != 0 {
				if err == nil || err.status != tt.wantStatus || err.accessCode == "" {
					t.Fatalf("decide = %d, %v; want a %d Access error", got, err, tt.wantStatus)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("decide = %d, %v; want %d", got, err, tt.want)
			}
		})
	}
}

func TestRetentionOf(t *testing.T) {
	defaults := retention{revocable: 6 * time.Hour, persistent: 3 * time.Hour}
	tests := []struct {
		name           string
		rt             retention
		lifetime       int64
		force          bool
		wantRevocable  bool
		wantPersistent bool
	}{
		{"never expires", defaults, 0, false, true, true},
		{"at the revocable threshold", defaults, 21600, false, true, true},
		{"just under it", defaults, 21599, false, false, true},
		{"at the persistency threshold", defaults, 10800, false, false, true},
		{"just under it", defaults, 10799, false, false, false},
		{"short but forced", defaults, 60, true, true, true},
		{"no expiring token revocable", retention{revocable: -1, persistent: time.Hour},
			1 << 30, false, false, true},
		{"every token stored", retention{revocable: time.Hour, persistent: -1},
			1, false, false, true},
		{"sub-second thresholds round up", retention{revocable: 1500 * time.Millisecond,
			persistent: 1500 * time.Millisecond}, 1, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			revocable, persistent := tt.rt.of(tt.lifetime, tt.force)

			if revocable != tt.wantRevocable || persistent != tt.wantPersistent {
				t.Errorf("of(%d, %v) = %v, %v; want %v, %v", tt.lifetime, tt.force,
					revocable, persistent, tt.wantRevocable, tt.wantPersistent)
			}
		})
	}
}

func TestParseRelease(t *testing.T) {
	tests := []struct {
		version string
		want    release
		wantOK  bool
	}{
		{"7.90.0", release{7, 90, 0}, true},
		{"7.21.1-rc2", release{7, 21, 1}, true},
		{"7.90", release{}, false},
		{"dev", release{}, false},
		{"7.x.0", release{}, false},
	}
	for _, tt := range tests {
		got, ok := parseRelease(tt.version)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("parseRelease(%q) = %v, %v; want %v, %v", tt.version, got, ok,
				tt.want, tt.wantOK)
		}
	}
	order := []release{{6, 99, 99}, {7, 21, 0}, {7, 21, 1}, {7, 22, 0}, {8, 0, 0}}
	for i, rel := range order {
		if got := rel.atLeast(sinceAccessTokensAPI); got != (i >= 2) {
			t.Errorf("%v.atLeast(7.21.1) = %v", rel, got)
		}
	}
}

func TestAccessErrorShapes(t *testing.T) {
	tests := []struct {
		err  *apiError
		want *apiError
	}{
		{artifactoryError(http.StatusUnauthorized, msgBadCredentials),
			&apiError{status: 401, accessCode: accessUnauthorized, message: msgBadCredentials}},
		{invalidRequest("bad %s", "input"),
			&apiError{status: 400, accessCode: accessBadRequest, message: "bad input"}},
		{artifactoryError(http.StatusTeapot, "odd"),
			&apiError{status: 418, accessCode: accessInternalError, message: "odd"}},
	}
	for _, tt := range tests {
		if got := asAccessError(tt.err); *got != *tt.want {
			t.Errorf("asAccessError(%v) = %+v, want %+v", tt.err, *got, *tt.want)
		}
	}
	if asAccessError(nil) != nil {
		t.Errorf("asAccessError(nil) is not nil")
	}
}
