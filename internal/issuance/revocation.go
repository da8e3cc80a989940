package issuance

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/artifactory-token-operator/artifactory-token-operator/api/v1alpha1"
)

// Replaced is the pending revocation of a token replaced at now: it stays
// valid for the grace period, so pods that read the mounted Secret have time
// to pick up its successor, and is revoked then.
func Replaced(tokenID string, expiresAt *time.Time, now time.Time, grace time.Duration,
) v1alpha1.PendingRevocation {
	p := v1alpha1.PendingRevocation{TokenID: tokenID, RevokeAt: metav1.NewTime(now.Add(grace))}
	if expiresAt != nil {
		p.ExpiresAt = &metav1.Time{Time: *expiresAt}
	}
	return p
}

// Outlived is true when a pending token has expired: nothing is left to
// revoke, so it is dropped without a call.
func Outlived(p v1alpha1.PendingRevocation, now time.Time) bool {
	return p.ExpiresAt != nil && !now.Before(p.ExpiresAt.Time)
}

// Due is true when a pending token's revocation time has come.
func Due(p v1alpha1.PendingRevocation, now time.Time) bool {
	return !now.Before(p.RevokeAt.Time)
}

// RetryRevocation reschedules a revocation that failed at now, backing off
// by the number of failures; it is dropped once the token expires anyway.
func RetryRevocation(p v1alpha1.PendingRevocation, now time.Time) v1alpha1.PendingRevocation {
	p.FailedAttempts++
	p.RevokeAt = metav1.NewTime(now.Add(Backoff(p.FailedAttempts)))
	return p
}

// NextRevocation is how long until the earliest pending revocation, and
// whether there is one.
func NextRevocation(pending []v1alpha1.PendingRevocation, now time.Time) (time.Duration, bool) {
	var next time.Duration
	found := false
	for _, p := range pending {
		wait := max(p.RevokeAt.Sub(now), 0)
		if !found || wait < next {
			next, found = wait, true
		}
	}
	return next, found
}

// LostReplacement is the pending revocation of the token the Secret's token
// replaced, when status does not know of it: the status write that recorded
// it failed after the Secret was written. It is due a grace period after the
// Secret's token was issued. Nothing is lost when status names the Secret's
// token, which means that write went through.
func LostReplacement(statusTokenID string, pending []v1alpha1.PendingRevocation,
	secretTokenID, replaces string, issuedAt time.Time, grace time.Duration,
) (v1alpha1.PendingRevocation, bool) {
	if replaces == "" || statusTokenID == secretTokenID || statusTokenID != replaces {
		return v1alpha1.PendingRevocation{}, false
	}
	for _, p := range pending {
		if p.TokenID == replaces {
			return v1alpha1.PendingRevocation{}, false
		}
	}
	return Replaced(replaces, nil, issuedAt, grace), true
}
