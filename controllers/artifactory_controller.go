package controllers

import (
	"context"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/artifactory-token-operator/artifactory-token-operator/api/v1alpha1"
	"github.com/artifactory-token-operator/artifactory-token-operator/internal/artifactory"
	"github.com/artifactory-token-operator/artifactory-token-operator/internal/issuance"
)

// ServerReconciler probes each Artifactory, or each ClusterArtifactory: can
// its credentials be read, does the server answer, and which token API do
// its tokens use. It probes once per generation and credentials change, and
// again with backoff while a probe fails; it never polls a healthy server.
type ServerReconciler struct {
	client.Client
	Connector *Connector
	Clock     clock.PassiveClock

	// Kind is KindArtifactory or KindClusterArtifactory.
	Kind v1alpha1.ReferenceKind
}

// +kubebuilder:rbac:groups=artifactory.token-operator.dev,resources=artifactories;clusterartifactories,verbs=get;list;watch
// +kubebuilder:rbac:groups=artifactory.token-operator.dev,resources=artifactories/status;clusterartifactories/status,verbs=get;update;patch
// +kubebuilder:rbac:groups="",resources=namespaces,verbs=get;list;watch

// Reconcile probes the server when its generation or credentials changed
// since the last good probe, and records what it found.
func (r *ServerReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	obj, srv, err := r.get(ctx, req)
	if apierrors.IsNotFound(err) {
		// Deleted since it was queued: its tokens notice on their own.
		return ctrl.Result{}, nil
	}
	if err != nil {
		return ctrl.Result{}, err
	}
	before := obj.DeepCopyObject().(client.Object)

	after, err := r.probe(ctx, srv)
	if err != nil {
		return ctrl.Result{}, err
	}

	if !equality.Semantic.DeepEqual(before, obj) {
		if err := r.Status().Patch(ctx, obj, client.MergeFrom(before)); err != nil {
			return ctrl.Result{}, fmt.Errorf("patching status: %w", err)
		}
	}
	return ctrl.Result{RequeueAfter: after}, nil
}

func (r *ServerReconciler) get(ctx context.Context, req ctrl.Request) (client.Object, *server, error) {
	if r.Kind == v1alpha1.KindClusterArtifactory {
		var ca v1alpha1.ClusterArtifactory
		if err := r.Get(ctx, req.NamespacedName, &ca); err != nil {
			return nil, nil, err
		}
		return &ca, r.Connector.clusterServer(&ca), nil
	}

	var art v1alpha1.Artifactory
	if err := r.Get(ctx, req.NamespacedName, &art); err != nil {
		return nil, nil, err
	}
	return &art, namespacedServer(&art), nil
}

// probe updates the server's status in place and says when to look again.
func (r *ServerReconciler) probe(ctx context.Context, srv *server) (time.Duration, error) {
	creds, credentialsVersion, err := r.Connector.credentials(ctx, srv)
	if err != nil {
		return 0, r.recordProbeFailure(srv, err)
	}

	// A good probe of this generation and these credentials stands.
	if srv.ready() == nil && srv.status.CredentialsVersion == credentialsVersion {
		return 0, nil
	}

	conn, err := r.Connector.connectTo(ctx, srv, v1alpha1.APILegacy)
	if err != nil {
		return 0, r.recordProbeFailure(srv, err)
	}

	version, err := conn.client.Version(ctx)
	if err != nil {
		if err := r.recordProbeFailure(srv, err); err != nil {
			return 0, err
		}
		return issuance.Backoff(srv.status.FailedAttempts), nil
	}

	api, err := chooseAPI(srv.spec.API, version, creds)
	if err != nil {
		return 0, r.recordProbeFailure(srv, &blocked{v1alpha1.ReasonInvalidArtifactory, err.Error()})
	}

	r.recordProbe(ctx, srv, version, api, credentialsVersion, conn.url)
	return 0, nil
}

// chooseAPI is the API the spec names, or for Auto the one the version takes.
//
// Auto keeps to Legacy for basic credentials on servers before 7.63.2,
// whose Access Tokens API refuses them. AccessTokens named outright on a
// server older than 7.21.1, which has no such API, is an error.
func chooseAPI(api v1alpha1.API, version string, creds artifactory.Credentials) (v1alpha1.API, error) {
	switch api {
	case "", v1alpha1.APILegacy:
		return v1alpha1.APILegacy, nil
	case v1alpha1.APIAuto:
		picked, err := artifactory.PickAPI(version)
		if err != nil {
			return "", fmt.Errorf("api Auto cannot choose for version %q: %w", version, err)
		}
		if picked == string(v1alpha1.APIAccessTokens) && creds.Token == "" && !atLeast(version, basicForAccess) {
			return v1alpha1.APILegacy, nil
		}
		return v1alpha1.API(picked), nil
	default:
		if !atLeast(version, artifactory.AccessTokensSince) {
			return "", fmt.Errorf("api AccessTokens needs Artifactory %s or later; this server is %s",
				artifactory.AccessTokensSince, version)
		}
		return api, nil
	}
}

// basicForAccess is the first version whose Access Tokens API may accept
// basic credentials (when its administrator allows it).
var basicForAccess = artifactory.Version{Major: 7, Minor: 63, Patch: 2}

// atLeast is true when version is v or later; a version that cannot be read
// counts as recent.
func atLeast(version string, v artifactory.Version) bool {
	got, err := artifactory.ParseVersion(version)
	return err != nil || got.AtLeast(v)
}

func (r *ServerReconciler) recordProbe(ctx context.Context, srv *server, version string, api v1alpha1.API,
	credentialsVersion, url string,
) {
	s := srv.status
	wasReady := meta.IsStatusConditionTrue(s.Conditions, v1alpha1.ConditionReady)

	s.Version = version
	s.API = api
	s.CredentialsVersion = credentialsVersion
	s.FailedAttempts = 0
	s.ObservedGeneration = srv.generation
	setServerReady(srv, metav1.ConditionTrue, v1alpha1.ReasonConnected,
		fmt.Sprintf("Artifactory %s answered at %s; tokens use the %s API", version, url, api))

	if !wasReady {
		ctrl.LoggerFrom(ctx).Info("Artifactory ready", "version", version, "api", api)
	}
}

// recordProbeFailure records a failed probe; errors other than the
// server's or the objects' are returned for controller-runtime to retry.
func (r *ServerReconciler) recordProbeFailure(srv *server, err error) error {
	reason, message := classify(err)
	if reason == v1alpha1.ReasonInternalError {
		return err
	}

	srv.status.FailedAttempts++
	srv.status.ObservedGeneration = srv.generation
	srv.status.CredentialsVersion = ""
	setServerReady(srv, metav1.ConditionFalse, reason, message)
	return nil
}

func setServerReady(srv *server, status metav1.ConditionStatus, reason, message string) {
	meta.SetStatusCondition(&srv.status.Conditions, metav1.Condition{
		Type:               v1alpha1.ConditionReady,
		Status:             status,
		Reason:             reason,
		Message:            message,
		ObservedGeneration: srv.generation,
	})
}
