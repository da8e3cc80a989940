package issuance

import (
	"testing"
	"time"
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
