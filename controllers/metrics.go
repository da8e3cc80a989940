package controllers

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/artifactory-token-operator/artifactory-token-operator/api/v1alpha1"
)

var (
	expiryDesc = prometheus.NewDesc("artifactory_token_expiration_timestamp_seconds",
		"When the token in an ArtifactoryToken's Secret expires; absent for tokens that never expire.",
		[]string{"namespace", "name"}, nil)
	renewalDesc = prometheus.NewDesc("artifactory_token_renewal_timestamp_seconds",
		"When the operator renews an ArtifactoryToken's token.",
		[]string{"namespace", "name"}, nil)
	readyDesc = prometheus.NewDesc("artifactory_token_ready",
		"1 when an ArtifactoryToken is Ready, else 0.",
		[]string{"namespace", "name", "reason"}, nil)
	failuresDesc = prometheus.NewDesc("artifactory_token_failed_attempts",
		"Failures in a row since an ArtifactoryToken's last success.",
		[]string{"namespace", "name"}, nil)
)

// tokenCollector reports every ArtifactoryToken's expiry, renewal time,
// readiness and failures, read from the cache when scraped, so the numbers
// are never stale and cost nothing between scrapes. No token value is in
// them: they are read from status, which holds none.
type tokenCollector struct {
	cache atomic.Pointer[client.Reader]
}

// collector is the one collector of this process; a manager started later
// (tests restart theirs) points it at its own cache.
var collector = &tokenCollector{}

func (c *tokenCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- expiryDesc
	ch <- renewalDesc
	ch <- readyDesc
	ch <- failuresDesc
}

func (c *tokenCollector) Collect(ch chan<- prometheus.Metric) {
	cache := c.cache.Load()
	if cache == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	var list v1alpha1.ArtifactoryTokenList
	if err := (*cache).List(ctx, &list); err != nil {
		ch <- prometheus.NewInvalidMetric(expiryDesc, fmt.Errorf("listing ArtifactoryTokens: %w", err))
		return
	}

	for i := range list.Items {
		collectToken(ch, &list.Items[i])
	}
}

func collectToken(ch chan<- prometheus.Metric, tok *v1alpha1.ArtifactoryToken) {
	ns, name, s := tok.Namespace, tok.Name, tok.Status
	if s.ExpiresAt != nil {
		ch <- prometheus.MustNewConstMetric(expiryDesc, prometheus.GaugeValue, unix(s.ExpiresAt.Time), ns, name)
	}
	if s.RenewalTime != nil {
		ch <- prometheus.MustNewConstMetric(renewalDesc, prometheus.GaugeValue, unix(s.RenewalTime.Time), ns, name)
	}
	ready, reason := 0.0, ""
	if c := meta.FindStatusCondition(s.Conditions, v1alpha1.ConditionReady); c != nil {
		reason = c.Reason
		if c.Status == "True" {
			ready = 1
		}
	}
	ch <- prometheus.MustNewConstMetric(readyDesc, prometheus.GaugeValue, ready, ns, name, reason)
	ch <- prometheus.MustNewConstMetric(failuresDesc, prometheus.GaugeValue, float64(s.FailedAttempts), ns, name)
}

func unix(t time.Time) float64 { return float64(t.Unix()) }

// registerMetrics points the collector at the cache and adds it to
// controller-runtime's registry, once.
func registerMetrics(cache client.Reader) error {
	collector.cache.Store(&cache)
	err := metrics.Registry.Register(collector)
	var already prometheus.AlreadyRegisteredError
	if errors.As(err, &already) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("registering metrics: %w", err)
	}
	return nil
}
