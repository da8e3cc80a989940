package controllers

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"
	metav1ac "k8s.io/client-go/applyconfigurations/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/artifactory-token-operator/artifactory-token-operator/api/v1alpha1"
	"github.com/artifactory-token-operator/artifactory-token-operator/internal/artifactory"
	"github.com/artifactory-token-operator/artifactory-token-operator/internal/secret"
)

// writeSecret applies the token's Secret. Server-side apply owns exactly the
// keys written, so a key dropped since (refresh_token, expires_at) goes, and
// labels or keys others add stay.
func (r *ArtifactoryTokenReconciler) writeSecret(ctx context.Context, tok *v1alpha1.ArtifactoryToken,
	st *state, url string, issued *artifactory.IssuedToken, replaces string,
) error {
	data := secret.Data(issued, tok.Spec.Username, url)

	owner := metav1ac.OwnerReference().
		WithAPIVersion(v1alpha1.GroupVersion.String()).
		WithKind("ArtifactoryToken").
		WithName(tok.Name).
		WithUID(tok.UID).
		WithController(true).
		WithBlockOwnerDeletion(true)

	ac := corev1ac.Secret(st.secretName, tok.Namespace).
		WithLabels(map[string]string{secret.TokenLabel: tok.Name}).
		WithAnnotations(secret.Annotations(issued, data, st.specHash, replaces)).
		WithOwnerReferences(owner).
		WithType(corev1.SecretTypeOpaque).
		WithData(data)

	if err := r.Apply(ctx, ac, client.FieldOwner(FieldOwner), client.ForceOwnership); err != nil {
		return fmt.Errorf("applying Secret: %w", err)
	}
	return nil
}

// removeMovedSecret deletes the Secret the token lived in before secretName
// changed, now that the new one holds a token: no orphan is left. A Secret
// there that this token does not control is left alone.
func (r *ArtifactoryTokenReconciler) removeMovedSecret(ctx context.Context, tok *v1alpha1.ArtifactoryToken,
	st *state,
) {
	old := tok.Status.SecretName
	if old == "" || old == st.secretName {
		return
	}

	var s corev1.Secret
	if err := r.Get(ctx, client.ObjectKey{Namespace: tok.Namespace, Name: old}, &s); err != nil {
		return
	}
	if !metav1.IsControlledBy(&s, tok) {
		return
	}

	log := ctrl.LoggerFrom(ctx)
	if err := r.Delete(ctx, &s, client.Preconditions{UID: &s.UID}); client.IgnoreNotFound(err) != nil {
		log.Error(err, "Removing the Secret the token moved from failed", "secret", old)
		return
	}
	log.Info("Removed the Secret the token moved from", "secret", old, "newSecret", st.secretName)
}
