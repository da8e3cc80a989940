package issuance

import (
	"fmt"
	"time"
)

// Action is what the reconciler does about a token.
type Action string

const (
	// Wait: the Secret's token is fine; look again after Decision.After.
	Wait Action = "Wait"

	// Issue: mint a new token, because there is none or it cannot be kept.
	Issue Action = "Issue"

	// Renew: replace a live token before it expires, with its refresh token
	// when it has one.
	Renew Action = "Renew"
)

// Reasons a Decision gives. They show in logs and events.
const (
	ReasonNotIssued         = "NotIssued"
	ReasonSecretMissing     = "SecretMissing"
	ReasonSecretDataChanged = "SecretDataChanged"
	ReasonSpecChanged       = "SpecChanged"
	ReasonExpired           = "Expired"
	ReasonRenewalDue        = "RenewalDue"
	ReasonUpToDate          = "UpToDate"
	ReasonBackingOff        = "BackingOff"
)

// Secret is what the reconciler found of the token's Secret. The Secret is
// the record of the live token: a manager that restarts, or whose status
// write was lost, finds everything here.
type Secret struct {
	// Exists is false when there is no Secret of the target name.
	Exists bool

	// DataMatches is true when the Secret's token data hashes to the hash
	// recorded when the operator wrote it.
	DataMatches bool

	// SpecHash is the hash of the spec fields the token was minted for.
	SpecHash string

	// IssuedAt and ExpiresAt are the live token's; ExpiresAt is nil for a
	// token that never expires.
	IssuedAt  time.Time
	ExpiresAt *time.Time
}

// Input is everything a decision needs.
type Input struct {
	// Now is the clock's reading.
	Now time.Time

	// SpecHash is the hash of the token-shaping spec fields as they are now.
	SpecHash string

	// RenewBefore is the spec's renewBefore, nil when unset.
	RenewBefore *time.Duration

	// Secret is the token's Secret as found.
	Secret Secret

	// EverIssued is true once a token was recorded on status, which tells a
	// deleted Secret from one never written.
	EverIssued bool

	// FailedAttempts and LastFailure describe the failures since the last
	// success; RetryAfter is the wait the server asked for with the last.
	FailedAttempts int32
	LastFailure    *time.Time
	RetryAfter     time.Duration

	// SpecChangedSinceFailure is true when the spec changed after the last
	// failure, which earns an attempt at once.
	SpecChangedSinceFailure bool

	// LastFailureLocal is true when the last failure was found before any
	// call to Artifactory (an object missing or unusable). Retrying such a
	// failure costs Artifactory nothing, so any change retries it at once.
	LastFailureLocal bool
}

// Decision is what to do and why.
type Decision struct {
	Action  Action
	Reason  string
	Message string

	// After is how long to wait before looking again; zero means only when
	// something changes.
	After time.Duration
}

// check looks at one thing; it fires by returning a decision.
type check func(in Input) (Decision, bool)

// checks run in order; the first that fires decides.
var checks = []check{
	secretMissing,
	secretDataChanged,
	specChanged,
	expired,
	renewalDue,
}

// Decide runs the checks in order. When one fires during a backoff after
// failures, the decision is to wait out the backoff instead, unless the spec
// changed since the last failure or that failure never reached Artifactory.
// When none fires, the decision is to wait until the renewal time.
func Decide(in Input) Decision {
	for _, c := range checks {
		d, fired := c(in)
		if !fired {
			continue
		}

		if wait, backingOff := backoffRemaining(in); backingOff {
			return Decision{
				Action:  Wait,
				Reason:  ReasonBackingOff,
				Message: fmt.Sprintf("%s; retrying in %s", d.Message, wait.Round(time.Second)),
				After:   wait,
			}
		}
		return d
	}

	return upToDate(in)
}

func secretMissing(in Input) (Decision, bool) {
	switch {
	case in.Secret.Exists:
		return Decision{}, false
	case !in.EverIssued:
		return Decision{Action: Issue, Reason: ReasonNotIssued, Message: "No token issued yet"}, true
	default:
		return Decision{Action: Issue, Reason: ReasonSecretMissing, Message: "The Secret is missing"}, true
	}
}

func secretDataChanged(in Input) (Decision, bool) {
	if in.Secret.DataMatches {
		return Decision{}, false
	}
	return Decision{
		Action:  Issue,
		Reason:  ReasonSecretDataChanged,
		Message: "The Secret's token data no longer matches the token issued",
	}, true
}

func specChanged(in Input) (Decision, bool) {
	if in.Secret.SpecHash == in.SpecHash {
		return Decision{}, false
	}
	return Decision{
		Action:  Issue,
		Reason:  ReasonSpecChanged,
		Message: "The spec asks for a different token than the one issued",
	}, true
}

func expired(in Input) (Decision, bool) {
	if in.Secret.ExpiresAt == nil || in.Now.Before(*in.Secret.ExpiresAt) {
		return Decision{}, false
	}
	return Decision{Action: Issue, Reason: ReasonExpired, Message: "The token has expired"}, true
}

func renewalDue(in Input) (Decision, bool) {
	at := in.renewalTime()
	if at == nil || in.Now.Before(*at) {
		return Decision{}, false
	}
	return Decision{Action: Renew, Reason: ReasonRenewalDue, Message: "The renewal time is reached"}, true
}

// upToDate waits for the renewal time; a token that never expires waits
// for a change alone.
func upToDate(in Input) Decision {
	d := Decision{Action: Wait, Reason: ReasonUpToDate, Message: "The token is up to date"}
	if at := in.renewalTime(); at != nil {
		d.After = at.Sub(in.Now)
	}
	return d
}

// renewalTime is the Secret's token's renewal time, nil when it never expires.
func (in Input) renewalTime() *time.Time {
	return RenewalTime(in.Secret.IssuedAt, in.Secret.ExpiresAt, in.RenewBefore)
}

// backoffRemaining is how much of the backoff after the last failure is
// left, and whether any is.
func backoffRemaining(in Input) (time.Duration, bool) {
	if in.FailedAttempts == 0 || in.LastFailure == nil || in.SpecChangedSinceFailure || in.LastFailureLocal {
		return 0, false
	}

	left := in.LastFailure.Add(RetryWait(in.FailedAttempts, in.RetryAfter)).Sub(in.Now)
	return left, left > 0
}
