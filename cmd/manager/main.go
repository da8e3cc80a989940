// Command manager runs the artifactory-token-operator's controllers.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/artifactory-token-operator/artifactory-token-operator/api/v1alpha1"
	"github.com/artifactory-token-operator/artifactory-token-operator/controllers"
)

// defaultClusterResourceNamespace holds ClusterArtifactory credentials when
// the manager does not know its own namespace.
const defaultClusterResourceNamespace = "artifactory-token-operator-system"

type options struct {
	metricsAddr              string
	probeAddr                string
	leaderElect              bool
	clusterResourceNamespace string
	artifactoryTimeout       time.Duration
	zap                      zap.Options
}

func main() {
	opts := parseFlags()
	ctrl.SetLogger(zap.New(zap.UseFlagOptions(&opts.zap)))

	if err := run(opts); err != nil {
		ctrl.Log.WithName("setup").Error(err, "Manager stopped")
		os.Exit(1)
	}
}

func parseFlags() options {
	var o options
	flag.StringVar(&o.metricsAddr, "metrics-bind-address", ":8080",
		"The address the metrics endpoint binds to; 0 disables it.")
	flag.StringVar(&o.probeAddr, "health-probe-bind-address", ":8081",
		"The address the health and readiness probes bind to; 0 disables them.")
	flag.BoolVar(&o.leaderElect, "leader-elect", false,
		"Elect a leader, so that only one of several replicas reconciles at a time.")
	flag.StringVar(&o.clusterResourceNamespace, "cluster-resource-namespace", defaultNamespace(),
		"The namespace that holds the credentials of ClusterArtifactory objects.")
	flag.DurationVar(&o.artifactoryTimeout, "artifactory-timeout", 30*time.Second,
		"How long one call to Artifactory may take.")
	o.zap = zap.Options{Development: false}
	o.zap.BindFlags(flag.CommandLine)
	flag.Parse()
	return o
}

// defaultNamespace is the namespace the manager runs in, else the default.
func defaultNamespace() string {
	if ns := os.Getenv("POD_NAMESPACE"); ns != "" {
		return ns
	}
	return defaultClusterResourceNamespace
}

func run(o options) error {
	scheme := runtime.NewScheme()
	utilruntime.Must(clientgoscheme.AddToScheme(scheme))
	utilruntime.Must(v1alpha1.AddToScheme(scheme))

	cfg, err := ctrl.GetConfig()
	if err != nil {
		return fmt.Errorf("loading kubeconfig: %w", err)
	}

	mgr, err := ctrl.NewManager(cfg, managerOptions(scheme, o))
	if err != nil {
		return fmt.Errorf("creating manager: %w", err)
	}

	err = controllers.Setup(mgr, clock.RealClock{}, controllers.Options{
		ClusterResourceNamespace: o.clusterResourceNamespace,
		Timeout:                  o.artifactoryTimeout,
	})
	if err != nil {
		return err
	}

	if err := mgr.AddHealthzCheck("healthz", healthz.Ping); err != nil {
		return fmt.Errorf("adding health check: %w", err)
	}
	if err := mgr.AddReadyzCheck("readyz", healthz.Ping); err != nil {
		return fmt.Errorf("adding ready check: %w", err)
	}

	ctrl.Log.WithName("setup").Info("Starting manager",
		"clusterResourceNamespace", o.clusterResourceNamespace)
	return mgr.Start(ctrl.SetupSignalHandler())
}

// managerOptions are the manager's options, with the cache the operator
// needs: only the Secrets it labels, never every Secret in the cluster.
func managerOptions(scheme *runtime.Scheme, o options) ctrl.Options {
	return ctrl.Options{
		Scheme:                 scheme,
		Metrics:                metricsserver.Options{BindAddress: o.metricsAddr},
		HealthProbeBindAddress: o.probeAddr,
		LeaderElection:         o.leaderElect,
		LeaderElectionID:       "artifactory-token-operator.token-operator.dev",
		Cache:                  controllers.CacheOptions(),
	}
}
