package controllers

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"

	"github.com/artifactory-token-operator/artifactory-token-operator/api/v1alpha1"
	"github.com/artifactory-token-operator/artifactory-token-operator/internal/artifactory"
	"github.com/artifactory-token-operator/artifactory-token-operator/internal/issuance"
)

// FieldOwner is the server-side apply field manager of the operator's writes.
const FieldOwner = "artifactory-token-operator"

// Indexes of ArtifactoryTokens: by the server they name, and by their Secret.
const (
	artifactoryRefIndex = "spec.artifactoryRef.name"
	secretNameIndex     = "spec.secretName"
)

// ArtifactoryTokenReconciler keeps each ArtifactoryToken's Secret filled
// with a live token that matches its spec.
type ArtifactoryTokenReconciler struct {
	client.Client

	// APIReader reads, uncached, the Secrets the cache does not hold.
	APIReader client.Reader

	Scheme    *runtime.Scheme
	Recorder  events.EventRecorder
	Clock     clock.PassiveClock
	Connector *Connector

	failures failureMemory
}

// +kubebuilder:rbac:groups=artifactory.token-operator.dev,resources=artifactorytokens,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=artifactory.token-operator.dev,resources=artifactorytokens/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=artifactory.token-operator.dev,resources=artifactorytokens/finalizers,verbs=update
// +kubebuilder:rbac:groups=artifactory.token-operator.dev,resources=artifactories,verbs=get;list;watch
// +kubebuilder:rbac:groups="",resources=secrets,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// Reconcile gathers the token's state, decides what it needs, acts on that,
// and records the outcome.
func (r *ArtifactoryTokenReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	// Read past the cache: a reconcile that follows its own status write
	// closely (the Secret's event comes first) must not act on the status
	// before it, which would forget pending revocations and failures.
	var tok v1alpha1.ArtifactoryToken
	if err := r.APIReader.Get(ctx, req.NamespacedName, &tok); err != nil {
		// A token deleted since it was queued needs nothing more.
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}

	// A token going away gets no new token: its tokens are revoked instead.
	if !tok.DeletionTimestamp.IsZero() {
		return r.finalize(ctx, &tok)
	}

	// The finalizer goes on before any token is minted, so none escapes
	// a deletion.
	if err := r.ensureFinalizer(ctx, &tok); err != nil {
		return ctrl.Result{}, err
	}

	st, err := r.gather(ctx, &tok)
	if err != nil {
		return ctrl.Result{}, err
	}

	out := r.act(ctx, &tok, st)

	return r.record(ctx, &tok, st, out)
}

// outcome is what act did.
type outcome struct {
	decision issuance.Decision

	// issued is the token now in the Secret, when act wrote one.
	issued    *artifactory.IssuedToken
	refreshed bool

	// pending are the replaced tokens still to revoke.
	pending []v1alpha1.PendingRevocation

	// err is why act failed: *blocked, an Artifactory error, or another.
	err error
}

// act carries out the decision: one call to Artifactory, then the Secret,
// then the revocations whose grace period is over.
func (r *ArtifactoryTokenReconciler) act(ctx context.Context, tok *v1alpha1.ArtifactoryToken,
	st *state,
) outcome {
	out := outcome{pending: tok.Status.PendingRevocations}
	if lost, ok := issuance.LostReplacement(tok.Status.TokenID, out.pending, st.record.TokenID,
		st.record.Replaces, st.record.IssuedAt, gracePeriod(tok)); ok {
		out.pending = append(out.pending, lost)
	}

	var conn *connection
	if out.err = r.mayIssue(ctx, tok, st); out.err == nil {
		out.decision = issuance.Decide(st.input(tok))
		if out.decision.Action != issuance.Wait {
			conn, out.err = r.issue(ctx, tok, st, &out)
		}
	}

	// Replaced tokens are revoked on time even while no new one may be issued.
	out.pending = r.revokeDue(ctx, tok, conn, out.pending, st.now)
	return out
}

// mayIssue says why no token may be written now, if anything forbids it.
func (r *ArtifactoryTokenReconciler) mayIssue(ctx context.Context, tok *v1alpha1.ArtifactoryToken,
	st *state,
) error {
	// A Secret this token does not control is never touched.
	if st.conflict != "" {
		return &blocked{v1alpha1.ReasonSecretConflict, st.conflict}
	}

	// A token its ClusterArtifactory's policy no longer admits keeps the
	// token it has until it expires, but gets no new one.
	return r.admit(ctx, tok, st.server)
}

// issue mints a token and writes it to the Secret. What it replaced joins
// the pending revocations; a token it could not write is revoked at once,
// or, when that fails too, joins them due now. It returns the connection,
// for the revocations that follow.
func (r *ArtifactoryTokenReconciler) issue(ctx context.Context, tok *v1alpha1.ArtifactoryToken,
	st *state, out *outcome,
) (*connection, error) {
	// The server as gathered, so that a failure records the state it met.
	if st.server == nil {
		return nil, missingServer(tok)
	}
	conn, err := r.Connector.connectServer(ctx, st.server)
	if err != nil {
		return nil, err
	}

	issued, refreshed, err := r.mint(ctx, conn, tok, st, out.decision)
	if err != nil {
		return conn, err
	}

	old, replaces := replacedBy(tok, st, issued)
	if err := r.writeSecret(ctx, tok, st, conn.url, issued, old.TokenID); err != nil {
		r.revokeUnwritten(ctx, tok, conn, issued, out)
		return conn, &secretWriteError{name: st.secretName, err: err}
	}
	out.issued, out.refreshed = issued, refreshed

	if replaces {
		out.pending = append(out.pending, old)
	}
	r.removeMovedSecret(ctx, tok, st)
	return conn, nil
}

// secretWriteError is a Secret the apiserver would not take.
type secretWriteError struct {
	name string
	err  error
}

func (e *secretWriteError) Error() string {
	return fmt.Sprintf("writing Secret %s failed, so the token minted for it is revoked: %v", e.name, e.err)
}

func (e *secretWriteError) Unwrap() error { return e.err }

// mint gets a token: a refresh when the decision is to renew a refreshable
// token, a new one otherwise or when Artifactory refuses the refresh.
func (r *ArtifactoryTokenReconciler) mint(ctx context.Context, conn *connection,
	tok *v1alpha1.ArtifactoryToken, st *state, d issuance.Decision,
) (*artifactory.IssuedToken, bool, error) {
	if d.Action == issuance.Renew && st.refreshable() {
		issued, err := conn.client.Refresh(ctx, st.refreshRequest())
		if err == nil {
			return issued, true, nil
		}

		// Only a refusal falls back: after a transport error the refresh
		// token may be spent, and the next attempt starts afresh anyway.
		if !artifactory.IsRefreshRefused(err) {
			return nil, false, fmt.Errorf("refreshing token: %w", err)
		}
		ctrl.LoggerFrom(ctx).Info("Refresh refused, minting a new token",
			"tokenID", st.record.TokenID, "error", err.Error())
	}

	issued, err := conn.client.Create(ctx, tokenRequest(tok))
	if err != nil {
		return nil, false, fmt.Errorf("creating token: %w", err)
	}
	return issued, false, nil
}

// tokenRequest is what the spec asks Artifactory for.
func tokenRequest(tok *v1alpha1.ArtifactoryToken) artifactory.TokenRequest {
	return artifactory.TokenRequest{
		Username:    tok.Spec.Username,
		Scope:       tok.Spec.Scope,
		ExpiresIn:   expiresIn(tok),
		Refreshable: tok.Spec.Refreshable,
		Audience:    tok.Spec.Audience,
	}
}

// expiresIn is the requested lifetime; the admission default is one hour,
// repeated here for objects written before that default existed.
func expiresIn(tok *v1alpha1.ArtifactoryToken) time.Duration {
	if tok.Spec.ExpiresIn == nil {
		return time.Hour
	}
	return tok.Spec.ExpiresIn.Duration
}

// SetupWithManager registers the reconciler and what it watches: its tokens,
// the Secrets they control, the servers they name, and the namespaces whose
// labels a ClusterArtifactory's policy reads.
func (r *ArtifactoryTokenReconciler) SetupWithManager(mgr ctrl.Manager, secrets cache.Cache) error {
	indexer := mgr.GetFieldIndexer()
	err := indexer.IndexField(context.Background(), &v1alpha1.ArtifactoryToken{},
		artifactoryRefIndex, func(o client.Object) []string {
			return []string{refKey(o.(*v1alpha1.ArtifactoryToken).Spec.ArtifactoryRef)}
		})
	if err != nil {
		return fmt.Errorf("indexing ArtifactoryTokens by Artifactory: %w", err)
	}
	err = indexer.IndexField(context.Background(), &v1alpha1.ArtifactoryToken{},
		secretNameIndex, func(o client.Object) []string {
			return []string{secretName(o.(*v1alpha1.ArtifactoryToken))}
		})
	if err != nil {
		return fmt.Errorf("indexing ArtifactoryTokens by Secret: %w", err)
	}

	return ctrl.NewControllerManagedBy(mgr).
		For(&v1alpha1.ArtifactoryToken{}, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Owns(&corev1.Secret{}).
		Watches(&v1alpha1.Artifactory{}, handler.EnqueueRequestsFromMapFunc(r.tokensOf)).
		Watches(&v1alpha1.ClusterArtifactory{}, handler.EnqueueRequestsFromMapFunc(r.tokensOf)).
		Watches(&corev1.Namespace{}, handler.EnqueueRequestsFromMapFunc(r.clusterTokensIn),
			builder.WithPredicates(predicate.LabelChangedPredicate{})).
		WatchesRawSource(source.Kind(secrets, secretMetadata(),
			handler.TypedEnqueueRequestsFromMapFunc(r.tokensFor))).
		Named("artifactorytoken").
		Complete(r)
}

// tokensFor lists the tokens whose Secret has this name, whoever owns it: a
// Secret in a token's way that goes, or one stripped of the operator's label
// that the label-filtered cache no longer shows, is noticed at once.
func (r *ArtifactoryTokenReconciler) tokensFor(ctx context.Context, s *metav1.PartialObjectMetadata,
) []reconcile.Request {
	return r.requests(ctx, []client.ListOption{
		client.InNamespace(s.Namespace), client.MatchingFields{secretNameIndex: s.Name},
	})
}

// refKey is the index key of a reference: its kind and name.
func refKey(ref v1alpha1.ArtifactoryReference) string {
	kind := ref.Kind
	if kind == "" {
		kind = v1alpha1.KindArtifactory
	}
	return string(kind) + "/" + ref.Name
}

// tokensOf lists the tokens that name an Artifactory or a ClusterArtifactory.
func (r *ArtifactoryTokenReconciler) tokensOf(ctx context.Context, o client.Object) []reconcile.Request {
	kind := v1alpha1.KindArtifactory
	opts := []client.ListOption{client.InNamespace(o.GetNamespace())}
	if _, cluster := o.(*v1alpha1.ClusterArtifactory); cluster {
		kind, opts = v1alpha1.KindClusterArtifactory, nil
	}
	key := refKey(v1alpha1.ArtifactoryReference{Kind: kind, Name: o.GetName()})
	return r.requests(ctx, append(opts, client.MatchingFields{artifactoryRefIndex: key}))
}

// clusterTokensIn lists the tokens of a namespace that use a ClusterArtifactory,
// whose policy may read the namespace's labels.
func (r *ArtifactoryTokenReconciler) clusterTokensIn(ctx context.Context, o client.Object,
) []reconcile.Request {
	var list v1alpha1.ArtifactoryTokenList
	if err := r.List(ctx, &list, client.InNamespace(o.GetName())); err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "Listing the tokens of a namespace failed", "namespace", o.GetName())
		return nil
	}

	var reqs []reconcile.Request
	for _, t := range list.Items {
		if t.Spec.ArtifactoryRef.Kind == v1alpha1.KindClusterArtifactory {
			reqs = append(reqs, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&t)})
		}
	}
	return reqs
}

func (r *ArtifactoryTokenReconciler) requests(ctx context.Context, opts []client.ListOption,
) []reconcile.Request {
	var list v1alpha1.ArtifactoryTokenList
	if err := r.List(ctx, &list, opts...); err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "Listing the tokens of a server failed")
		return nil
	}

	reqs := make([]reconcile.Request, 0, len(list.Items))
	for _, t := range list.Items {
		reqs = append(reqs, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&t)})
	}
	return reqs
}
