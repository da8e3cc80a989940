package controllers

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/artifactory-token-operator/artifactory-token-operator/api/v1alpha1"
	"github.com/artifactory-token-operator/artifactory-token-operator/internal/policy"
)

// admit checks a token against its ClusterArtifactory's policy, before any
// call to Artifactory. Tokens of a namespaced Artifactory need no admission:
// it serves its own namespace only.
func (r *ArtifactoryTokenReconciler) admit(ctx context.Context, tok *v1alpha1.ArtifactoryToken,
	srv *server,
) error {
	// A token of a namespaced Artifactory needs no admission, and one whose
	// server is missing hears so when it needs a token.
	if srv == nil || srv.policy == nil {
		return nil
	}

	var ns corev1.Namespace
	if err := r.Get(ctx, types.NamespacedName{Name: tok.Namespace}, &ns); err != nil {
		return fmt.Errorf("reading namespace %s: %w", tok.Namespace, err)
	}

	refusal := policy.Admit(*srv.policy, policy.Request{
		Namespace:       tok.Namespace,
		NamespaceLabels: ns.Labels,
		Username:        tok.Spec.Username,
		Scope:           tok.Spec.Scope,
		ExpiresIn:       expiresIn(tok),
		Refreshable:     tok.Spec.Refreshable,
	})
	if refusal != nil {
		return &blocked{refusal.Rule, fmt.Sprintf("The policy of %s refuses this token: %s", srv, refusal.Message)}
	}
	return nil
}
