package issuance

import (
	"strings"
	"testing"
	"time"
)

// live is an input whose Secret holds a one-hour token issued at t0 for
// spec hash "a", with the clock at now.
func live(now time.Duration) Input {
	return Input{
		Now:        t0.Add(now),
		SpecHash:   "a",
		EverIssued: true,
		Secret: Secret{
			Exists:      true,
			DataMatches: true,
			SpecHash:    "a",
			IssuedAt:    t0,
			ExpiresAt:   at(time.Hour),
		},
	}
}

func TestDecide(t *testing.T) {
	tests := []struct {
		name       string
		in         func() Input
		wantAction Action
		wantReason string
		wantAfter  time.Duration
	}{
		{
			name:       "fresh token waits for its renewal time",
			in:         func() Input { return live(10 * time.Minute) },
			wantAction: Wait, wantReason: ReasonUpToDate, wantAfter: 30 * time.Minute,
		},
		{
			name: "renewBefore moves the wait",
			in: func() Input {
				in := live(10 * time.Minute)
				in.RenewBefore = dur(5 * time.Minute)
				return in
			},
			wantAction: Wait, wantReason: ReasonUpToDate, wantAfter: 45 * time.Minute,
		},
		{
			name:       "renewal time reached renews",
			in:         func() Input { return live(40 * time.Minute) },
			wantAction: Renew, wantReason: ReasonRenewalDue,
		},
		{
			name:       "expired token is issued anew",
			in:         func() Input { return live(time.Hour) },
			wantAction: Issue, wantReason: ReasonExpired,
		},
		{
			name: "non-expiring token never renews",
			in: func() Input {
				in := live(1000 * time.Hour)
				in.Secret.ExpiresAt = nil
				return in
			},
			wantAction: Wait, wantReason: ReasonUpToDate, wantAfter: 0,
		},
		{
			name:       "nothing issued yet",
			in:         func() Input { return Input{Now: t0, SpecHash: "a"} },
			wantAction: Issue, wantReason: ReasonNotIssued,
		},
		{
			name: "deleted Secret",
			in: func() Input {
				in := live(time.Minute)
				in.Secret = Secret{}
				return in
			},
			wantAction: Issue, wantReason: ReasonSecretMissing,
		},
		{
			name: "edited Secret",
			in: func() Input {
				in := live(time.Minute)
				in.Secret.DataMatches = false
				return in
			},
			wantAction: Issue, wantReason: ReasonSecretDataChanged,
		},
		{
			name: "spec changed",
			in: func() Input {
				in := live(time.Minute)
				in.SpecHash = "b"
				return in
			},
			wantAction: Issue, wantReason: ReasonSpecChanged,
		},
		{
			name: "edited Secret wins over spec change and renewal",
			in: func() Input {
				in := live(50 * time.Minute)
				in.SpecHash = "b"
				in.Secret.DataMatches = false
				return in
			},
			wantAction: Issue, wantReason: ReasonSecretDataChanged,
		},
		{
			name: "failure backs off",
			in: func() Input {
				in := live(41 * time.Minute)
				in.FailedAttempts = 2
				in.LastFailure = at(40*time.Minute + 54*time.Second)
				return in
			},
			wantAction: Wait, wantReason: ReasonBackingOff, wantAfter: 4 * time.Second,
		},
		{
			name: "backoff over retries",
			in: func() Input {
				in := live(41 * time.Minute)
				in.FailedAttempts = 2
				in.LastFailure = at(40 * time.Minute)
				return in
			},
			wantAction: Renew, wantReason: ReasonRenewalDue,
		},
		{
			name: "spec change skips the backoff",
			in: func() Input {
				in := live(41 * time.Minute)
				in.SpecHash = "b"
				in.FailedAttempts = 5
				in.LastFailure = at(41 * time.Minute)
				in.SpecChangedSinceFailure = true
				return in
			},
			wantAction: Issue, wantReason: ReasonSpecChanged,
		},
		{
			name: "a Retry-After longer than the backoff is waited out",
			in: func() Input {
				in := live(41 * time.Minute)
				in.FailedAttempts = 1
				in.LastFailure = at(41 * time.Minute)
				in.RetryAfter = 30 * time.Second
				return in
			},
			wantAction: Wait, wantReason: ReasonBackingOff, wantAfter: 30 * time.Second,
		},
		{
			name: "a failure that never reached Artifactory does not back off",
			in: func() Input {
				in := live(41 * time.Minute)
				in.FailedAttempts = 5
				in.LastFailure = at(41 * time.Minute)
				in.LastFailureLocal = true
				return in
			},
			wantAction: Renew, wantReason: ReasonRenewalDue,
		},
		{
			name: "failures with nothing to do wait for renewal",
			in: func() Input {
				in := live(10 * time.Minute)
				in.FailedAttempts = 3
				in.LastFailure = at(10 * time.Minute)
				return in
			},
			wantAction: Wait, wantReason: ReasonUpToDate, wantAfter: 30 * time.Minute,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Decide(tt.in())
			if got.Action != tt.wantAction || got.Reason != tt.wantReason || got.After != tt.wantAfter {
				t.Errorf("Decide() = %s/%s after %v, want %s/%s after %v",
					got.Action, got.Reason, got.After, tt.wantAction, tt.wantReason, tt.wantAfter)
			}
			if got.Message == "" {
				t.Error("Decide() gave no message")
			}
		})
	}
}

func TestDecideBackoffNamesWhatWaits(t *testing.T) {
	in := live(time.Minute)
	in.Secret = Secret{}
	in.FailedAttempts = 1
	in.LastFailure = at(time.Minute)

	got := Decide(in)

	if !strings.Contains(got.Message, "Secret is missing") || !strings.Contains(got.Message, "5s") {
		t.Errorf("backoff message %q does not say what waits and for how long", got.Message)
	}
}
