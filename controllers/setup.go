package controllers

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
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
	"github.com/artifactory-token-operator/artifactory-token-operator/internal/secret"
)

// credentialsRefIndex indexes Artifactory and ClusterArtifactory objects by
// the credentials Secret they name.
const credentialsRefIndex = "spec.credentialsSecretRef.name"

// CacheOptions are the cache the controllers need: every object of this
// group, and only the Secrets the operator labels, so that clusters with
// thousands of unrelated Secrets cost no memory. Other Secrets are read,
// when needed, uncached.
func CacheOptions() cache.Options {
	req, err := labels.NewRequirement(secret.TokenLabel, selection.Exists, nil)
	utilruntime.Must(err)

	return cache.Options{
		ByObject: map[client.Object]cache.ByObject{
			&corev1.Secret{}: {Label: labels.NewSelector().Add(*req)},
		},
	}
}

// Options are the settings the controllers share.
type Options struct {
	// ClusterResourceNamespace holds the credentials of ClusterArtifactory objects.
	ClusterResourceNamespace string

	// Timeout bounds every call to Artifactory.
	Timeout time.Duration
}

// Setup registers every reconciler with the manager.
func Setup(mgr ctrl.Manager, clk clock.PassiveClock, o Options) error {
	conn := &Connector{
		Cache:                    mgr.GetClient(),
		APIReader:                mgr.GetAPIReader(),
		ClusterResourceNamespace: o.ClusterResourceNamespace,
		Timeout:                  o.Timeout,
	}

	secrets, err := secretMetadataCache(mgr)
	if err != nil {
		return err
	}

	tokens := &ArtifactoryTokenReconciler{
		Client:    mgr.GetClient(),
		APIReader: mgr.GetAPIReader(),
		Scheme:    mgr.GetScheme(),
		Recorder:  mgr.GetEventRecorder("artifactory-token-operator"),
		Clock:     clk,
		Connector: conn,
	}
	if err := tokens.SetupWithManager(mgr, secrets); err != nil {
		return fmt.Errorf("setting up the ArtifactoryToken controller: %w", err)
	}
	if err := registerMetrics(mgr.GetCache()); err != nil {
		return err
	}

	for _, kind := range []v1alpha1.ReferenceKind{v1alpha1.KindArtifactory, v1alpha1.KindClusterArtifactory} {
		r := &ServerReconciler{Client: mgr.GetClient(), Connector: conn, Clock: clk, Kind: kind}
		if err := r.SetupWithManager(mgr, secrets); err != nil {
			return fmt.Errorf("setting up the %s controller: %w", kind, err)
		}
	}
	return nil
}

// secretMetadataCache is a cache of the metadata of every Secret, names and
// versions alone (annotations, labels and managed fields are dropped). It
// shows a change of a credentials Secret, or of a Secret in a token's way
// or stripped of the operator's label, without caching any Secret's data.
func secretMetadataCache(mgr ctrl.Manager) (cache.Cache, error) {
	c, err := cache.New(mgr.GetConfig(), cache.Options{
		Scheme: mgr.GetScheme(),
		Mapper: mgr.GetRESTMapper(),
		DefaultTransform: func(o any) (any, error) {
			if m, ok := o.(metav1.Object); ok {
				m.SetAnnotations(nil)
				m.SetLabels(nil)
				m.SetManagedFields(nil)
			}
			return o, nil
		},
	})
	if err != nil {
		return nil, fmt.Errorf("creating the credentials metadata cache: %w", err)
	}
	if err := mgr.Add(c); err != nil {
		return nil, fmt.Errorf("adding the credentials metadata cache: %w", err)
	}
	return c, nil
}

// SetupWithManager registers the reconciler for its kind, watching the
// objects and the credentials Secrets they name.
func (r *ServerReconciler) SetupWithManager(mgr ctrl.Manager, credentials cache.Cache) error {
	var obj client.Object = &v1alpha1.Artifactory{}
	if r.Kind == v1alpha1.KindClusterArtifactory {
		obj = &v1alpha1.ClusterArtifactory{}
	}

	err := mgr.GetFieldIndexer().IndexField(context.Background(), obj, credentialsRefIndex,
		func(o client.Object) []string {
			if ca, ok := o.(*v1alpha1.ClusterArtifactory); ok {
				return []string{ca.Spec.CredentialsSecretRef.Name}
			}
			return []string{o.(*v1alpha1.Artifactory).Spec.CredentialsSecretRef.Name}
		})
	if err != nil {
		return fmt.Errorf("indexing by credentials Secret: %w", err)
	}

	return ctrl.NewControllerManagedBy(mgr).
		For(obj, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		WatchesRawSource(source.Kind(credentials, secretMetadata(),
			handler.TypedEnqueueRequestsFromMapFunc(r.usersOf))).
		Named(string(r.Kind)).
		Complete(r)
}

// secretMetadata is the object a metadata-only watch of Secrets takes.
func secretMetadata() *metav1.PartialObjectMetadata {
	m := &metav1.PartialObjectMetadata{}
	m.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("Secret"))
	return m
}

// usersOf lists the servers whose credentials a Secret holds.
func (r *ServerReconciler) usersOf(ctx context.Context, s *metav1.PartialObjectMetadata) []reconcile.Request {
	var keys []client.ObjectKey
	match := client.MatchingFields{credentialsRefIndex: s.Name}

	if r.Kind == v1alpha1.KindClusterArtifactory {
		var list v1alpha1.ClusterArtifactoryList
		if s.Namespace != r.Connector.ClusterResourceNamespace || r.List(ctx, &list, match) != nil {
			return nil
		}
		for _, ca := range list.Items {
			keys = append(keys, client.ObjectKeyFromObject(&ca))
		}
	} else {
		var list v1alpha1.ArtifactoryList
		if r.List(ctx, &list, client.InNamespace(s.Namespace), match) != nil {
			return nil
		}
		for _, art := range list.Items {
			keys = append(keys, client.ObjectKeyFromObject(&art))
		}
	}

	reqs := make([]reconcile.Request, 0, len(keys))
	for _, k := range keys {
		reqs = append(reqs, reconcile.Request{NamespacedName: k})
	}
	return reqs
}
