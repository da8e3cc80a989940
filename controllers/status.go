package controllers

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/artifactory-token-operator/artifactory-token-operator/api/v1alpha1"
	"github.com/artifactory-token-operator/artifactory-token-operator/internal/artifactory"
	"github.com/artifactory-token-operator/artifactory-token-operator/internal/issuance"
)

// record writes the outcome to status once, tells the user through events
// and logs, and says when to look again.
func (r *ArtifactoryTokenReconciler) record(ctx context.Context, tok *v1alpha1.ArtifactoryToken,
	st *state, out outcome,
) (ctrl.Result, error) {
	before := tok.DeepCopy()
	wasReady := meta.IsStatusConditionTrue(tok.Status.Conditions, v1alpha1.ConditionReady)

	var after time.Duration
	switch {
	case out.err != nil:
		after = r.recordFailure(ctx, tok, st, out.err)
	case out.issued != nil:
		after = r.recordIssued(ctx, tok, st, out)
	default:
		after = recordWait(tok, st, out.decision)
	}
	if out.err == nil && out.decision.Reason != issuance.ReasonBackingOff {
		r.failures.forget(tok.UID)
	}

	tok.Status.PendingRevocations = out.pending
	if next, ok := issuance.NextRevocation(out.pending, st.now); ok && (after == 0 || next < after) {
		after = max(next, time.Second)
	}

	if err := r.patchStatus(ctx, before, tok); err != nil {
		return ctrl.Result{}, err
	}

	if ready := readyCondition(tok); ready != nil && (ready.Status == metav1.ConditionTrue) != wasReady {
		ctrl.LoggerFrom(ctx).Info("Ready changed", "ready", ready.Status, "reason", ready.Reason)
	}
	return ctrl.Result{RequeueAfter: after}, nil
}

// recordIssued records the token just written and waits for its renewal.
func (r *ArtifactoryTokenReconciler) recordIssued(ctx context.Context, tok *v1alpha1.ArtifactoryToken,
	st *state, out outcome,
) time.Duration {
	issued := out.issued
	renewal := issuance.RenewalTime(issued.IssuedAt, issued.ExpiresAt, renewBefore(tok))

	s := &tok.Status
	s.SecretName = st.secretName
	s.TokenID = issued.TokenID
	s.IssuedAt = timePtr(&issued.IssuedAt)
	s.ExpiresAt = timePtr(issued.ExpiresAt)
	s.RenewalTime = timePtr(renewal)
	s.FailedAttempts = 0
	s.LastFailureTime = nil
	s.ObservedGeneration = tok.Generation
	setReady(tok, metav1.ConditionTrue, v1alpha1.ReasonIssued, issuedMessage(st.secretName, issued))

	action, verb := "Issue", "Issued"
	if out.decision.Action == issuance.Renew {
		action, verb = "Renew", "Renewed"
	}
	r.Recorder.Eventf(tok, nil, corev1.EventTypeNormal, verb, action,
		"%s token %s into Secret %s: %s", verb, issued.TokenID, st.secretName, out.decision.Message)
	ctrl.LoggerFrom(ctx).Info(verb+" token", "tokenID", issued.TokenID, "cause", out.decision.Reason,
		"refreshed", out.refreshed, "secret", st.secretName,
		"expiresAt", logTime(s.ExpiresAt), "renewalTime", logTime(s.RenewalTime))

	if renewal == nil {
		return 0
	}
	return max(renewal.Sub(st.now), time.Second)
}

// recordWait mirrors the Secret's live token on status, which mends a
// status lost or edited, and waits as decided.
func recordWait(tok *v1alpha1.ArtifactoryToken, st *state, d issuance.Decision) time.Duration {
	// A backoff leaves the failure on status as it was, unless the token it
	// kept has expired meanwhile.
	if d.Reason == issuance.ReasonBackingOff {
		if ready := readyCondition(tok); ready != nil && ready.Status == metav1.ConditionTrue &&
			st.keptTokenExpired() {
			reason, message := ready.Reason, ready.Message
			if f := st.lastFailure; f != nil && f.reason != "" {
				reason, message = f.reason, f.message
			}
			setReady(tok, metav1.ConditionFalse, v1alpha1.ReasonExpired, expiredMessage(st, reason, message))
		}
		return st.untilExpiry(d.After)
	}

	rec := st.record
	renewal := issuance.RenewalTime(rec.IssuedAt, rec.ExpiresAt, renewBefore(tok))

	s := &tok.Status
	s.SecretName = st.secretName
	s.TokenID = rec.TokenID
	s.IssuedAt = timePtr(&rec.IssuedAt)
	s.ExpiresAt = timePtr(rec.ExpiresAt)
	s.RenewalTime = timePtr(renewal)
	s.FailedAttempts = 0
	s.LastFailureTime = nil
	s.ObservedGeneration = tok.Generation
	setReady(tok, metav1.ConditionTrue, v1alpha1.ReasonIssued, recordMessage(st.secretName, rec.TokenID,
		rec.ExpiresAt))
	return d.After
}

// recordFailure counts the failure, says why on status and in an event, and
// waits out the backoff.
func (r *ArtifactoryTokenReconciler) recordFailure(ctx context.Context, tok *v1alpha1.ArtifactoryToken,
	st *state, err error,
) time.Duration {
	reason, message := classify(err)
	if reason == v1alpha1.ReasonInternalError {
		ctrl.LoggerFrom(ctx).Error(err, "Reconciling the token failed")
	}

	s := &tok.Status
	s.FailedAttempts = 1
	if st.lastFailure != nil {
		s.FailedAttempts = st.lastFailure.attempts + 1
	}
	s.LastFailureTime = &metav1.Time{Time: st.now}
	retryAfter, _ := artifactory.RetryAfter(err)
	r.failures.set(tok.UID, failure{attempts: s.FailedAttempts, at: st.now, retryAfter: retryAfter,
		server: st.serverKey(), generation: tok.Generation, local: localReasons[reason],
		reason: reason, message: message})

	switch {
	case st.liveTokenKept():
		setReady(tok, metav1.ConditionTrue, v1alpha1.ReasonRenewalFailing, fmt.Sprintf(
			"The Secret keeps its live token until it expires, but it cannot be renewed (%s): %s",
			reason, message))
	case st.keptTokenExpired():
		setReady(tok, metav1.ConditionFalse, v1alpha1.ReasonExpired, expiredMessage(st, reason, message))
	default:
		setReady(tok, metav1.ConditionFalse, reason, message)
	}

	r.Recorder.Eventf(tok, nil, corev1.EventTypeWarning, reason, "Issue", "%s", message)
	ctrl.LoggerFrom(ctx).Info("Issuing failed", "reason", reason, "message", message,
		"failedAttempts", s.FailedAttempts)

	return st.untilExpiry(issuance.RetryWait(s.FailedAttempts, retryAfter))
}

// expiredMessage says the Secret's token expired and why no new one came.
func expiredMessage(st *state, reason, message string) string {
	return fmt.Sprintf("The Secret's token expired at %s and no new one could be issued yet (%s): %s",
		st.record.ExpiresAt.UTC().Format(time.RFC3339), reason, message)
}

// untilExpiry shortens a wait so that a live token kept through failures is
// looked at again the moment it expires, and status never calls it live
// after that.
func (st *state) untilExpiry(wait time.Duration) time.Duration {
	exp := st.record.ExpiresAt
	if !st.liveTokenKept() || exp == nil {
		return wait
	}
	return min(wait, max(exp.Sub(st.now)+100*time.Millisecond, time.Second))
}

// classify turns an error into a Ready reason and a message fit for status:
// Artifactory's own words, with anything that looks like a token redacted.
func classify(err error) (string, string) {
	var b *blocked
	if errors.As(err, &b) {
		return b.reason, b.message
	}
	var w *secretWriteError
	if errors.As(err, &w) {
		return v1alpha1.ReasonSecretWriteFailed, artifactory.Redact(w.Error())
	}

	message := artifactory.Redact(err.Error())

	var apiErr *artifactory.APIError
	switch {
	case artifactory.IsUnauthorized(err):
		return v1alpha1.ReasonCredentialsRejected, message
	case errors.As(err, &apiErr) && apiErr.StatusCode >= 500:
		return v1alpha1.ReasonArtifactoryUnavailable, message
	case errors.As(err, &apiErr):
		return v1alpha1.ReasonArtifactoryRefused, message
	case isTransport(err):
		return v1alpha1.ReasonArtifactoryUnavailable, message
	default:
		return v1alpha1.ReasonInternalError, "Internal error; the operator's log has details: " + message
	}
}

// isTransport is true for errors on the way to Artifactory, which left no
// answer to read: refused or dropped connections, timeouts.
func isTransport(err error) bool {
	var urlErr *url.Error
	var netErr net.Error
	return errors.As(err, &urlErr) || errors.As(err, &netErr) ||
		errors.Is(err, context.DeadlineExceeded) || errors.Is(err, io.ErrUnexpectedEOF)
}

func (r *ArtifactoryTokenReconciler) patchStatus(ctx context.Context,
	before, tok *v1alpha1.ArtifactoryToken,
) error {
	// An unchanged status is not written, so waiting costs no apiserver write.
	if equality.Semantic.DeepEqual(before.Status, tok.Status) {
		return nil
	}
	if err := r.Status().Patch(ctx, tok, client.MergeFrom(before)); err != nil {
		return fmt.Errorf("patching status: %w", err)
	}
	return nil
}

func setReady(tok *v1alpha1.ArtifactoryToken, status metav1.ConditionStatus, reason, message string) {
	meta.SetStatusCondition(&tok.Status.Conditions, metav1.Condition{
		Type:               v1alpha1.ConditionReady,
		Status:             status,
		Reason:             reason,
		Message:            message,
		ObservedGeneration: tok.Generation,
	})
}

func readyCondition(tok *v1alpha1.ArtifactoryToken) *metav1.Condition {
	return meta.FindStatusCondition(tok.Status.Conditions, v1alpha1.ConditionReady)
}

func issuedMessage(secretName string, issued *artifactory.IssuedToken) string {
	return recordMessage(secretName, issued.TokenID, issued.ExpiresAt)
}

func recordMessage(secretName, tokenID string, expiresAt *time.Time) string {
	if expiresAt == nil {
		return fmt.Sprintf("Secret %s holds token %s, which never expires", secretName, tokenID)
	}
	return fmt.Sprintf("Secret %s holds token %s, valid until %s", secretName, tokenID,
		expiresAt.UTC().Format(time.RFC3339))
}

func renewBefore(tok *v1alpha1.ArtifactoryToken) *time.Duration {
	if tok.Spec.RenewBefore == nil {
		return nil
	}
	return &tok.Spec.RenewBefore.Duration
}

// logTime is a time for a log line; "never" for a token that never expires.
func logTime(t *metav1.Time) string {
	if t == nil {
		return "never"
	}
	return t.UTC().Format(time.RFC3339)
}

func timePtr(t *time.Time) *metav1.Time {
	if t == nil {
		return nil
	}
	return &metav1.Time{Time: *t}
}
