package controllers

import (
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/artifactory-token-operator/artifactory-token-operator/internal/secret"
)

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

// Setup registers every reconciler with the manager.
func Setup(mgr ctrl.Manager, clk clock.PassiveClock, timeout time.Duration) error {
	r := &ArtifactoryTokenReconciler{
		Client:    mgr.GetClient(),
		APIReader: mgr.GetAPIReader(),
		Scheme:    mgr.GetScheme(),
		Recorder:  mgr.GetEventRecorder("artifactory-token-operator"),
		Clock:     clk,
		Connector: &Connector{
			Cache:     mgr.GetClient(),
			APIReader: mgr.GetAPIReader(),
			Timeout:   timeout,
		},
	}
	if err := r.SetupWithManager(mgr); err != nil {
		return fmt.Errorf("setting up the ArtifactoryToken controller: %w", err)
	}
	return nil
}
