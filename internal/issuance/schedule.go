package issuance

import "time"

// RenewalTime is when a token issued at issuedAt and expiring at expiresAt is
// renewed: renewBefore ahead of expiry when that is shorter than the granted
// lifetime, else once two thirds of the lifetime have passed. A token that
// never expires (expiresAt nil) is never renewed, and RenewalTime is nil.
//
// The lifetime is always the one Artifactory granted, never the one asked
// for: a server that clamps lifetimes must not leave the Secret holding an
// expired token. A lifetime that is zero or negative (a clock far off) is
// renewed at once, at issuedAt.
func RenewalTime(issuedAt time.Time, expiresAt *time.Time, renewBefore *time.Duration) *time.Time {
	if expiresAt == nil {
		return nil
	}

	lifetime := expiresAt.Sub(issuedAt)
	if lifetime <= 0 {
		return &issuedAt
	}

	var at time.Time
	if renewBefore != nil && *renewBefore < lifetime {
		at = expiresAt.Add(-*renewBefore)
	} else {
		at = issuedAt.Add(lifetime * 2 / 3)
	}
	return &at
}

// Backoff bounds: the first retry after a failure waits BackoffBase, each
// further failure doubles the wait, and no wait is longer than BackoffCap.
const (
	BackoffBase = 5 * time.Second
	BackoffCap  = 10 * time.Minute
)

// Backoff is how long to wait before the next attempt after failedAttempts
// failures in a row: nothing before the first failure, then BackoffBase,
// doubling up to BackoffCap.
func Backoff(failedAttempts int32) time.Duration {
	if failedAttempts <= 0 {
		return 0
	}
	if failedAttempts > 16 {
		return BackoffCap
	}
	return min(BackoffBase<<(failedAttempts-1), BackoffCap)
}

// RetryWait is the backoff after failedAttempts failures, or the server's
// Retry-After when that is longer, held to BackoffCap so that a bad header
// cannot park a token for days.
func RetryWait(failedAttempts int32, retryAfter time.Duration) time.Duration {
	return min(max(Backoff(failedAttempts), retryAfter), BackoffCap)
}
