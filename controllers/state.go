package controllers

import (
	"context"
	"errors"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/artifactory-token-operator/artifactory-token-operator/api/v1alpha1"
	"github.com/artifactory-token-operator/artifactory-token-operator/internal/artifactory"
	"github.com/artifactory-token-operator/artifactory-token-operator/internal/issuance"
	"github.com/artifactory-token-operator/artifactory-token-operator/internal/policy"
	"github.com/artifactory-token-operator/artifactory-token-operator/internal/secret"
)

// state is everything gathered about one token before deciding.
type state struct {
	now        time.Time
	secretName string
	specHash   string

	// secret is the Secret this token controls; nil when there is none.
	secret *corev1.Secret
	record secret.Record

	// conflict is set when a Secret of the target name belongs to somebody else.
	conflict string

	// lastFailure is the token's latest failure, if any since its last success.
	lastFailure *failure

	// server is the Artifactory the token names; nil when it does not exist.
	server *server
}

func (r *ArtifactoryTokenReconciler) gather(ctx context.Context, tok *v1alpha1.ArtifactoryToken,
) (*state, error) {
	st := &state{now: r.Clock.Now(), secretName: secretName(tok)}

	srv, err := r.Connector.serverFor(ctx, tok)
	var b *blocked
	if err != nil && !errors.As(err, &b) {
		return nil, err
	}
	st.server = srv
	st.specHash = shapeOf(tok, srv).Hash()

	s, conflict, err := r.findSecret(ctx, tok, st.secretName)
	if err != nil {
		return nil, err
	}
	st.secret, st.conflict = s, conflict
	if s != nil {
		st.record = secret.ReadRecord(s.Annotations, s.Data)
	}

	if f, ok := r.failures.latest(tok.UID, failureOnStatus(tok)); ok {
		st.lastFailure = &f
	}
	return st, nil
}

// failureOnStatus is the last failure status records, if any.
func failureOnStatus(tok *v1alpha1.ArtifactoryToken) *failure {
	s := tok.Status
	if s.LastFailureTime == nil {
		return nil
	}
	f := &failure{attempts: s.FailedAttempts, at: s.LastFailureTime.Time, generation: tok.Generation}
	if ready := readyCondition(tok); ready != nil {
		f.generation, f.local = ready.ObservedGeneration, localReasons[ready.Reason]
	}
	return f
}

// findSecret finds the Secret of the target name, and says so when it is
// not this token's to write.
func (r *ArtifactoryTokenReconciler) findSecret(ctx context.Context, tok *v1alpha1.ArtifactoryToken,
	name string,
) (*corev1.Secret, string, error) {
	key := types.NamespacedName{Namespace: tok.Namespace, Name: name}
	var s corev1.Secret
	err := r.Get(ctx, key, &s)
	if apierrors.IsNotFound(err) {
		// The cache holds only Secrets with the operator's label; one
		// without it, or one just written, is only seen by the apiserver.
		err = r.APIReader.Get(ctx, key, &s)
	}
	if apierrors.IsNotFound(err) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("reading Secret %s: %w", key, err)
	}

	if leftBehind(&s, tok) {
		// A Secret an earlier ArtifactoryToken of this name left behind (no
		// garbage collector took it) is taken over; its token is replaced.
		return nil, "", nil
	}
	if !metav1.IsControlledBy(&s, tok) {
		return nil, fmt.Sprintf("Secret %q exists and is not controlled by this ArtifactoryToken; "+
			"it is left untouched: delete it or choose another secretName", name), nil
	}
	return &s, "", nil
}

// localReasons are the failures found before any call to Artifactory.
var localReasons = map[string]bool{
	v1alpha1.ReasonArtifactoryNotFound: true,
	v1alpha1.ReasonArtifactoryNotReady: true,
	policy.RuleNamespace:               true,
	policy.RuleUsername:                true,
	policy.RuleScope:                   true,
	policy.RuleExpiresIn:               true,
	policy.RuleNonExpiring:             true,
	policy.RuleRefreshable:             true,
	policy.RuleInvalid:                 true,
	v1alpha1.ReasonInvalidArtifactory:  true,
	v1alpha1.ReasonSecretConflict:      true,
}

// leftBehind is true for a Secret that an ArtifactoryToken of the same name
// and namespace, since deleted, controlled and labelled.
func leftBehind(s *corev1.Secret, tok *v1alpha1.ArtifactoryToken) bool {
	owner := metav1.GetControllerOf(s)
	return owner != nil && owner.UID != tok.UID && owner.Name == tok.Name &&
		owner.Kind == "ArtifactoryToken" && owner.APIVersion == v1alpha1.GroupVersion.String() &&
		s.Labels[secret.TokenLabel] == tok.Name
}

// input is the decision's input.
func (st *state) input(tok *v1alpha1.ArtifactoryToken) issuance.Input {
	in := issuance.Input{
		Now:        st.now,
		SpecHash:   st.specHash,
		EverIssued: tok.Status.TokenID != "" || tok.Status.IssuedAt != nil,
	}
	if tok.Spec.RenewBefore != nil {
		in.RenewBefore = &tok.Spec.RenewBefore.Duration
	}
	if f := st.lastFailure; f != nil {
		in.FailedAttempts, in.LastFailure, in.RetryAfter = f.attempts, &f.at, f.retryAfter
		in.LastFailureLocal = f.local
		// A change of the spec, or of the server or its credentials, since
		// the failure is worth a try at once.
		in.SpecChangedSinceFailure = f.generation != tok.Generation ||
			(f.server != "" && f.server != st.serverKey())
	}
	if st.secret != nil {
		in.Secret = issuance.Secret{
			Exists:      true,
			DataMatches: st.record.DataMatches,
			SpecHash:    st.record.SpecHash,
			IssuedAt:    st.record.IssuedAt,
			ExpiresAt:   st.record.ExpiresAt,
		}
	}
	return in
}

// serverKey names the server's generation and credentials, so a failure can
// tell whether either changed since.
func (st *state) serverKey() string {
	if st.server == nil {
		return ""
	}
	return fmt.Sprintf("%d/%s", st.server.generation, st.server.status.CredentialsVersion)
}

// refreshable is true when the Secret holds a refresh token to renew with.
func (st *state) refreshable() bool {
	return st.secret != nil && len(st.secret.Data[secret.KeyRefreshToken]) > 0
}

func (st *state) refreshRequest() artifactory.RefreshRequest {
	return artifactory.RefreshRequest{
		AccessToken:  string(st.secret.Data[secret.KeyAccessToken]),
		RefreshToken: string(st.secret.Data[secret.KeyRefreshToken]),
	}
}

// liveTokenKept is true when the Secret still holds a valid token that
// fits the spec, so a failed renewal costs the user nothing yet.
func (st *state) liveTokenKept() bool {
	rec := st.record
	return st.secret != nil && rec.DataMatches && rec.SpecHash == st.specHash &&
		(rec.ExpiresAt == nil || st.now.Before(*rec.ExpiresAt))
}

// keptTokenExpired is true when the Secret holds the token issued for this
// spec, and it has expired.
func (st *state) keptTokenExpired() bool {
	rec := st.record
	return st.secret != nil && rec.DataMatches && rec.SpecHash == st.specHash &&
		rec.ExpiresAt != nil && !st.now.Before(*rec.ExpiresAt)
}

// secretName is the Secret the token goes to.
func secretName(tok *v1alpha1.ArtifactoryToken) string {
	if tok.Spec.SecretName != "" {
		return tok.Spec.SecretName
	}
	return tok.Name
}

// shapeOf is what the token is minted for, with defaults filled in: its
// spec, and the URL of the server it names, so a token is issued anew when
// the Artifactory moves.
func shapeOf(tok *v1alpha1.ArtifactoryToken, srv *server) secret.Shape {
	kind := tok.Spec.ArtifactoryRef.Kind
	if kind == "" {
		kind = v1alpha1.KindArtifactory
	}
	return secret.Shape{
		ArtifactoryKind: string(kind),
		ArtifactoryName: tok.Spec.ArtifactoryRef.Name,
		Username:        tok.Spec.Username,
		Scope:           tok.Spec.Scope,
		ExpiresIn:       expiresIn(tok).String(),
		Refreshable:     tok.Spec.Refreshable,
		Audience:        tok.Spec.Audience,
		URL:             serverURL(srv),
	}
}

func serverURL(srv *server) string {
	if srv == nil {
		return ""
	}
	url, err := artifactory.NormalizeBaseURL(srv.spec.URL)
	if err != nil {
		return srv.spec.URL
	}
	return url
}
