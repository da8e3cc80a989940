package controllers

import (
	"context"
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	"github.com/artifactory-token-operator/artifactory-token-operator/api/v1alpha1"
	"github.com/artifactory-token-operator/artifactory-token-operator/internal/artifactory"
	"github.com/artifactory-token-operator/artifactory-token-operator/internal/issuance"
	"github.com/artifactory-token-operator/artifactory-token-operator/internal/secret"
)

// maxDeleteAttempts bounds the revocations tried while an ArtifactoryToken
// is deleted: deletion must never hang on an Artifactory that is down.
const maxDeleteAttempts = 3

// revokeDue revokes the pending tokens whose grace period is over and
// returns what is still pending. Tokens that expired are dropped uncalled;
// a token Artifactory cannot revoke is left to expire; other failures are
// retried with backoff while the token lives. None of it touches Ready:
// the Secret's token is fine either way.
func (r *ArtifactoryTokenReconciler) revokeDue(ctx context.Context, tok *v1alpha1.ArtifactoryToken,
	conn *connection, pending []v1alpha1.PendingRevocation, now time.Time,
) []v1alpha1.PendingRevocation {
	kept := make([]v1alpha1.PendingRevocation, 0, len(pending))
	var due []v1alpha1.PendingRevocation
	for _, p := range pending {
		switch {
		case issuance.Outlived(p, now):
			ctrl.LoggerFrom(ctx).V(1).Info("Replaced token expired before its revocation", "tokenID", p.TokenID)
		case issuance.Due(p, now):
			due = append(due, p)
		default:
			kept = append(kept, p)
		}
	}

	// Nothing due: no connection needed.
	if len(due) == 0 {
		return kept
	}

	if conn == nil {
		var err error
		if conn, err = r.Connector.connect(ctx, tok); err != nil {
			_, message := classify(err)
			r.Recorder.Eventf(tok, nil, corev1.EventTypeWarning, v1alpha1.EventRevocationFailed, "Revoke",
				"Cannot revoke replaced tokens %s yet: %s", tokenIDList(due), message)
			for _, p := range due {
				kept = append(kept, issuance.RetryRevocation(p, now))
			}
			return kept
		}
	}

	for _, p := range due {
		if !r.revoke(ctx, tok, r.connectionAt(ctx, tok, conn, p.URL), p.TokenID, "replaced") {
			kept = append(kept, issuance.RetryRevocation(p, now))
		}
	}
	return kept
}

// connectionAt is conn, or the same server at the url a token was issued
// at, when the Artifactory has moved since. Where that cannot be built,
// conn is tried.
func (r *ArtifactoryTokenReconciler) connectionAt(ctx context.Context, tok *v1alpha1.ArtifactoryToken,
	conn *connection, url string,
) *connection {
	if url == "" || url == conn.url {
		return conn
	}
	moved, err := r.Connector.connectMoved(ctx, tok, url)
	if err != nil {
		ctrl.LoggerFrom(ctx).Info("Cannot reach the url a token was issued at", "url", url,
			"error", err.Error())
		return conn
	}
	return moved
}

// revoke revokes one token and says whether it is settled: revoked, or
// not revocable and so left to expire. False means try again.
func (r *ArtifactoryTokenReconciler) revoke(ctx context.Context, tok *v1alpha1.ArtifactoryToken,
	conn *connection, tokenID, what string,
) bool {
	log := ctrl.LoggerFrom(ctx)
	err := conn.client.Revoke(ctx, tokenID)
	switch {
	case err == nil:
		r.Recorder.Eventf(tok, nil, corev1.EventTypeNormal, v1alpha1.EventRevoked, "Revoke",
			"Revoked %s token %s", what, tokenID)
		log.Info("Revoked token", "tokenID", tokenID, "cause", what)
		return true
	case artifactory.IsNotRevocable(err):
		r.Recorder.Eventf(tok, nil, corev1.EventTypeWarning, v1alpha1.EventNotRevocable, "Revoke",
			"Artifactory cannot revoke %s token %s; it runs out at its expiry", what, tokenID)
		log.Info("Token not revocable, left to expire", "tokenID", tokenID, "cause", what)
		return true
	case artifactory.IsTokenUnknown(err):
		r.Recorder.Eventf(tok, nil, corev1.EventTypeWarning, v1alpha1.EventNotRevocable, "Revoke",
			"Artifactory does not know %s token %s, so it cannot revoke it (the Access Tokens API "+
				"stores no token shorter than its persistency threshold); it runs out at its expiry",
			what, tokenID)
		log.Info("Token unknown to Artifactory, left to expire", "tokenID", tokenID, "cause", what)
		return true
	default:
		message := artifactory.Redact(err.Error())
		r.Recorder.Eventf(tok, nil, corev1.EventTypeWarning, v1alpha1.EventRevocationFailed, "Revoke",
			"Revoking %s token %s failed: %s", what, tokenID, message)
		log.Info("Revoking token failed", "tokenID", tokenID, "cause", what, "error", message)
		return false
	}
}

// revokeUnwritten revokes a token that could not be written to the Secret,
// so that no live token is left that nothing records. When that fails too,
// the token joins the pending revocations, due at once.
func (r *ArtifactoryTokenReconciler) revokeUnwritten(ctx context.Context, tok *v1alpha1.ArtifactoryToken,
	conn *connection, issued *artifactory.IssuedToken, out *outcome,
) {
	if issued.TokenID == "" {
		ctrl.LoggerFrom(ctx).Info("A token that could not be written has no id to revoke; " +
			"it runs out at its expiry")
		return
	}
	if !r.revoke(ctx, tok, conn, issued.TokenID, "unwritten") {
		out.pending = append(out.pending, issuance.Replaced(issued.TokenID, issued.ExpiresAt, r.Clock.Now(), 0))
	}
}

// replacedBy is the pending revocation of the token a new one replaced,
// when there was one with an id.
func replacedBy(tok *v1alpha1.ArtifactoryToken, st *state, issued *artifactory.IssuedToken,
) (v1alpha1.PendingRevocation, bool) {
	id, expiresAt := st.record.TokenID, st.record.ExpiresAt
	if st.secret == nil {
		// The Secret is gone or moved; status still names the token it held.
		id = tok.Status.TokenID
		expiresAt = nil
		if tok.Status.ExpiresAt != nil {
			expiresAt = &tok.Status.ExpiresAt.Time
		}
	}
	if id == "" || id == issued.TokenID {
		return v1alpha1.PendingRevocation{}, false
	}
	p := issuance.Replaced(id, expiresAt, st.now, gracePeriod(tok))
	if st.secret != nil {
		// The Artifactory may have moved since: revoke where it was issued.
		p.URL = string(st.secret.Data[secret.KeyURL])
	}
	return p, true
}

// ensureFinalizer adds the finalizer when deletion must revoke, and removes
// it when the spec says not to.
func (r *ArtifactoryTokenReconciler) ensureFinalizer(ctx context.Context, tok *v1alpha1.ArtifactoryToken,
) error {
	want := revokeOnDelete(tok)
	if want == controllerutil.ContainsFinalizer(tok, v1alpha1.Finalizer) {
		return nil
	}

	before := tok.DeepCopy()
	if want {
		controllerutil.AddFinalizer(tok, v1alpha1.Finalizer)
	} else {
		controllerutil.RemoveFinalizer(tok, v1alpha1.Finalizer)
	}
	if err := r.Patch(ctx, tok, lockedMerge(before)); err != nil {
		return fmt.Errorf("updating finalizers: %w", err)
	}
	return nil
}

// finalize revokes the live token and the pending ones of a token being
// deleted, then lets it go. It never hangs: when revoking is impossible
// (Artifactory or its credentials gone, tokens not revocable) it says so in
// an event and lets go at once, and after maxDeleteAttempts failed tries it
// names the tokens left live and lets go too.
func (r *ArtifactoryTokenReconciler) finalize(ctx context.Context, tok *v1alpha1.ArtifactoryToken,
) (ctrl.Result, error) {
	// Not ours to finish, or finished.
	if !controllerutil.ContainsFinalizer(tok, v1alpha1.Finalizer) {
		return ctrl.Result{}, nil
	}

	left := r.revokeAll(ctx, tok, r.Clock.Now())
	if len(left) > 0 && tok.Status.FailedAttempts+1 < maxDeleteAttempts {
		before := tok.DeepCopy()
		tok.Status.FailedAttempts++
		if err := r.patchStatus(ctx, before, tok); err != nil {
			return ctrl.Result{}, err
		}
		return ctrl.Result{RequeueAfter: issuance.Backoff(tok.Status.FailedAttempts)}, nil
	}
	if len(left) > 0 {
		r.Recorder.Eventf(tok, nil, corev1.EventTypeWarning, v1alpha1.EventRevocationFailed, "Revoke",
			"Gave up revoking tokens %s after %d attempts; they run out at their expiry",
			strings.Join(left, ", "), maxDeleteAttempts)
	}

	r.failures.forget(tok.UID)
	before := tok.DeepCopy()
	controllerutil.RemoveFinalizer(tok, v1alpha1.Finalizer)
	if err := r.Patch(ctx, tok, lockedMerge(before)); err != nil {
		return ctrl.Result{}, fmt.Errorf("removing finalizer: %w", err)
	}
	return ctrl.Result{}, nil
}

// revokeAll revokes the live and pending tokens of a deleted token and
// returns the ids still live that are worth another try.
func (r *ArtifactoryTokenReconciler) revokeAll(ctx context.Context, tok *v1alpha1.ArtifactoryToken,
	now time.Time,
) []string {
	targets := deletionTargets(tok, now)
	if len(targets) == 0 {
		return nil
	}

	conn, err := r.Connector.connect(ctx, tok)
	if err != nil {
		_, message := classify(err)
		r.Recorder.Eventf(tok, nil, corev1.EventTypeWarning, v1alpha1.EventRevocationFailed, "Revoke",
			"Cannot revoke tokens %s: %s; they run out at their expiry", strings.Join(targets, ", "), message)
		return nil
	}

	var left []string
	for _, id := range targets {
		if !r.revoke(ctx, tok, conn, id, "deleted") {
			left = append(left, id)
		}
	}
	return left
}

// deletionTargets are the live token and the pending ones not yet expired.
func deletionTargets(tok *v1alpha1.ArtifactoryToken, now time.Time) []string {
	var ids []string
	s := tok.Status
	if s.TokenID != "" && (s.ExpiresAt == nil || now.Before(s.ExpiresAt.Time)) {
		ids = append(ids, s.TokenID)
	}
	for _, p := range s.PendingRevocations {
		if !issuance.Outlived(p, now) && p.TokenID != s.TokenID {
			ids = append(ids, p.TokenID)
		}
	}
	return ids
}

func tokenIDList(pending []v1alpha1.PendingRevocation) string {
	ids := make([]string, 0, len(pending))
	for _, p := range pending {
		ids = append(ids, p.TokenID)
	}
	return strings.Join(ids, ", ")
}

func revokeOnDelete(tok *v1alpha1.ArtifactoryToken) bool {
	return tok.Spec.Revocation.OnDelete == nil || *tok.Spec.Revocation.OnDelete
}

// gracePeriod is the spec's, or the admission default for objects written
// before that default existed.
func gracePeriod(tok *v1alpha1.ArtifactoryToken) time.Duration {
	if tok.Spec.Revocation.GracePeriod == nil {
		return 10 * time.Minute
	}
	return tok.Spec.Revocation.GracePeriod.Duration
}

// lockedMerge is a merge patch that fails rather than overwrite a change
// made since before was read: finalizers are a list others edit too.
func lockedMerge(before client.Object) client.Patch {
	return client.MergeFromWithOptions(before, client.MergeFromWithOptimisticLock{})
}
