package issuance

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/artifactory-token-operator/artifactory-token-operator/api/v1alpha1"
)

var t0 = time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)

func at(d time.Duration) *time.Time {
	t := t0.Add(d)
	return &t
}

func dur(d time.Duration) *time.Duration { return &d }

func TestRenewalTime(t *testing.T) {
	tests := []struct {
		name        string
		expiresAt   *time.Time
		renewBefore *time.Duration
		want        *time.Time
	}{
		{"never expires", nil, nil, nil},
		{"never expires with renewBefore", nil, dur(time.Minute), nil},
		{"two thirds by default", at(time.Hour), nil, at(40 * time.Minute)},
		{"two thirds of a short lifetime", at(30 * time.Second), nil, at(20 * time.Second)},
		{"renewBefore shorter than lifetime", at(time.Hour), dur(20 * time.Minute), at(40 * time.Minute)},
		{"renewBefore of a few seconds", at(time.Hour), dur(5 * time.Second), at(time.Hour - 5*time.Second)},
		{"renewBefore equal to lifetime", at(time.Hour), dur(time.Hour), at(40 * time.Minute)},
		{"renewBefore longer than a clamped lifetime", at(10 * time.Minute), dur(20 * time.Minute),
			at(400 * time.Second)},
		{"renewBefore zero renews at expiry", at(time.Hour), dur(0), at(time.Hour)},
		{"lifetime zero renews at once", at(0), nil, at(0)},
		{"expiry before issue renews at once", at(-time.Minute), dur(time.Second), at(0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := RenewalTime(t0, tt.expiresAt, tt.renewBefore)
			if (got == nil) != (tt.want == nil) || (got != nil && !got.Equal(*tt.want)) {
				t.Errorf("RenewalTime() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestBackoff(t *testing.T) {
	tests := []struct {
		failed int32
		want   time.Duration
	}{
		{-1, 0},
		{0, 0},
		{1, 5 * time.Second},
		{2, 10 * time.Second},
		{3, 20 * time.Second},
		{7, 320 * time.Second},
		{8, BackoffCap},
		{16, BackoffCap},
		{17, BackoffCap},
		{1 << 30, BackoffCap},
	}
	for _, tt := range tests {
		if got := Backoff(tt.failed); got != tt.want {
			t.Errorf("Backoff(%d) = %v, want %v", tt.failed, got, tt.want)
		}
	}
}

func TestRevocationSchedule(t *testing.T) {
	exp := t0.Add(time.Hour)
	p := Replaced("old", &exp, t0, 10*time.Minute)

	if Due(p, t0.Add(10*time.Minute-time.Second)) || !Due(p, t0.Add(10*time.Minute)) {
		t.Errorf("a replaced token is due at %v, want 10m after it was replaced", p.RevokeAt)
	}
	if Outlived(p, t0.Add(59*time.Minute)) || !Outlived(p, exp) {
		t.Error("a pending token is outlived before it expires, or not once it has")
	}
	if forever := Replaced("old", nil, t0, 0); Outlived(forever, t0.Add(1000*time.Hour)) {
		t.Error("a non-expiring token is never outlived")
	}

	failed := RetryRevocation(RetryRevocation(p, t0), t0)
	if failed.FailedAttempts != 2 || !failed.RevokeAt.Equal(&metav1.Time{Time: t0.Add(10 * time.Second)}) {
		t.Errorf("after two failures at t0: %d attempts, next at %v; want 2 and t0+10s",
			failed.FailedAttempts, failed.RevokeAt)
	}

	later := Replaced("later", nil, t0, time.Hour)
	if next, ok := NextRevocation([]v1alpha1.PendingRevocation{later, p}, t0); !ok || next != 10*time.Minute {
		t.Errorf("NextRevocation() = %v, %v; want 10m", next, ok)
	}
	if next, _ := NextRevocation([]v1alpha1.PendingRevocation{p}, t0.Add(time.Hour)); next != 0 {
		t.Errorf("an overdue revocation waits %v", next)
	}
	if _, ok := NextRevocation(nil, t0); ok {
		t.Error("NextRevocation(nil) found one")
	}
}

func TestRetryWait(t *testing.T) {
	tests := []struct {
		failed     int32
		retryAfter time.Duration
		want       time.Duration
	}{
		{1, 0, 5 * time.Second},
		{1, 8 * time.Second, 8 * time.Second},
		{3, 8 * time.Second, 20 * time.Second},
		{1, 48 * time.Hour, BackoffCap},
	}
	for _, tt := range tests {
		if got := RetryWait(tt.failed, tt.retryAfter); got != tt.want {
			t.Errorf("RetryWait(%d, %v) = %v, want %v", tt.failed, tt.retryAfter, got, tt.want)
		}
	}
}

func TestLostReplacement(t *testing.T) {
	pending := []v1alpha1.PendingRevocation{Replaced("old", nil, t0, time.Minute)}
	tests := []struct {
		name          string
		statusTokenID string
		pending       []v1alpha1.PendingRevocation
		replaces      string
		want          bool
	}{
		{"status write lost: status still names the replaced token", "old", nil, "old", true},
		{"status recorded the new token", "new", nil, "old", false},
		{"already pending", "old", pending, "old", false},
		{"the Secret's token replaced nothing", "old", nil, "", false},
		{"status names some other token", "other", nil, "old", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, ok := LostReplacement(tt.statusTokenID, tt.pending, "new", tt.replaces, t0, time.Minute)
			if ok != tt.want {
				t.Fatalf("LostReplacement() found %v, want %v", ok, tt.want)
			}
			if ok && (p.TokenID != "old" || !p.RevokeAt.Time.Equal(t0.Add(time.Minute))) {
				t.Errorf("LostReplacement() = %+v, want old due a minute after the new token's issue", p)
			}
		})
	}
}
