package controllers_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/artifactory-token-operator/artifactory-token-operator/api/v1alpha1"
	"github.com/artifactory-token-operator/artifactory-token-operator/internal/artifactory/emulator"
	"github.com/artifactory-token-operator/artifactory-token-operator/internal/secret"
)

// serverReady waits for the Artifactory "main" of ns to report this Ready.
func serverReady(t *testing.T, ns string, status metav1.ConditionStatus, reason string,
) *v1alpha1.Artifactory {
	t.Helper()
	var art v1alpha1.Artifactory
	key := types.NamespacedName{Namespace: ns, Name: "main"}
	eventually(t, 15*time.Second, "Artifactory Ready="+string(status)+"/"+reason, func() (bool, string) {
		if err := k8s.Get(context.Background(), key, &art); err != nil {
			return false, err.Error()
		}
		c := meta.FindStatusCondition(art.Status.Conditions, v1alpha1.ConditionReady)
		if c == nil {
			return false, "no Ready condition"
		}
		return c.Status == status && c.Reason == reason, c.Reason + ": " + c.Message
	})
	return &art
}

// otherEmulator starts an emulator of its own, such as an old version.
func otherEmulator(t *testing.T, cfg emulator.Config) *emulator.Server {
	t.Helper()
	cfg.Users = []emulator.User{{Name: adminUser, Password: adminPassword, Admin: true,
		Groups: []string{"readers"}}}
	cfg.BlockAfterFailures = -1
	e, err := emulator.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close() })
	return e
}

func TestArtifactoryStatusShowsTheServer(t *testing.T) {
	ns := newNamespace(t)
	artifactoryIn(t, ns, adminCreds(), v1alpha1.APILegacy)

	art := serverReady(t, ns, metav1.ConditionTrue, v1alpha1.ReasonConnected)
	if art.Status.Version != "7.90.0" || art.Status.API != v1alpha1.APILegacy ||
		art.Status.ObservedGeneration != art.Generation {
		t.Errorf("status %+v, want version 7.90.0, api Legacy, the current generation", art.Status)
	}
}

func TestArtifactoryNotReadyAndBack(t *testing.T) {
	ns := newNamespace(t)
	art := &v1alpha1.Artifactory{
		ObjectMeta: metav1.ObjectMeta{Name: "main", Namespace: ns},
		Spec: v1alpha1.ArtifactorySpec{URL: emuURL, API: v1alpha1.APILegacy,
			CredentialsSecretRef: v1alpha1.LocalSecretReference{Name: "late-credentials"}},
	}
	if err := k8s.Create(context.Background(), art); err != nil {
		t.Fatal(err)
	}
	newToken(t, ns, "waiting", nil)

	serverReady(t, ns, metav1.ConditionFalse, v1alpha1.ReasonInvalidArtifactory)
	tok := readyIs(t, ns, "waiting", metav1.ConditionFalse, v1alpha1.ReasonArtifactoryNotReady, 10*time.Second)
	if msg := readyCondition(tok).Message; !strings.Contains(msg, "late-credentials") {
		t.Errorf("the token's message %q does not pass on why the Artifactory is not ready", msg)
	}

	// The credentials Secret's arrival is watched, and so is the
	// Artifactory's recovery: no backoff or poll to wait out.
	s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "late-credentials", Namespace: ns},
		StringData: adminCreds()}
	if err := k8s.Create(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	serverReady(t, ns, metav1.ConditionTrue, v1alpha1.ReasonConnected)
	readyIs(t, ns, "waiting", metav1.ConditionTrue, v1alpha1.ReasonIssued, 5*time.Second)
}

func TestAutoPicksTheAPIByVersion(t *testing.T) {
	old := otherEmulator(t, emulator.Config{Version: "6.23.42"})
	oldURL, err := old.Start()
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name    string
		url     string
		wantAPI v1alpha1.API
	}{
		{"6.23.42 speaks Legacy", oldURL, v1alpha1.APILegacy},
		{"7.90.0 speaks AccessTokens", emuURL, v1alpha1.APIAccessTokens},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ns := newNamespace(t)
			artifactoryAt(t, ns, adminCreds(), v1alpha1.APIAuto, tt.url, "")

			art := serverReady(t, ns, metav1.ConditionTrue, v1alpha1.ReasonConnected)
			if art.Status.API != tt.wantAPI {
				t.Fatalf("Auto chose %s for %s, want %s", art.Status.API, art.Status.Version, tt.wantAPI)
			}
			newToken(t, ns, "auto", nil)
			tok := ready(t, ns, "auto")
			s := getSecret(t, ns, "auto")
			if err := validateOn(old, string(s.Data[secret.KeyAccessToken])); err != nil {
				t.Errorf("the token does not work: %v", err)
			}
			_ = tok
		})
	}
}

// validateOn checks a token on whichever emulator issued it.
func validateOn(other *emulator.Server, token string) error {
	if err := emu.Validate(token); err == nil {
		return nil
	}
	return other.Validate(token)
}

func TestTrustsTheCABundle(t *testing.T) {
	caPEM, cert := selfSignedServer(t)
	secure := otherEmulator(t, emulator.Config{})
	url, err := secure.StartTLS(cert)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("with the CA bundle", func(t *testing.T) {
		ns := newNamespace(t)
		artifactoryAt(t, ns, adminCreds(), v1alpha1.APILegacy, url, caPEM)
		serverReady(t, ns, metav1.ConditionTrue, v1alpha1.ReasonConnected)

		newToken(t, ns, "tls", nil)
		ready(t, ns, "tls")
		if err := secure.Validate(string(getSecret(t, ns, "tls").Data[secret.KeyAccessToken])); err != nil {
			t.Errorf("the token minted over TLS does not work: %v", err)
		}
	})

	t.Run("without it", func(t *testing.T) {
		ns := newNamespace(t)
		artifactoryAt(t, ns, adminCreds(), v1alpha1.APILegacy, url, "")
		art := serverReady(t, ns, metav1.ConditionFalse, v1alpha1.ReasonArtifactoryUnavailable)
		msg := meta.FindStatusCondition(art.Status.Conditions, v1alpha1.ConditionReady).Message
		if !strings.Contains(msg, "certificate") {
			t.Errorf("Ready message %q does not say the certificate is not trusted", msg)
		}
	})
}

// selfSignedServer makes a CA and a certificate for 127.0.0.1 signed by it.
func selfSignedServer(t *testing.T) (string, tls.Certificate) {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	caTemplate := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTemplate, caTemplate, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}

	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	template := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:    x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, template, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}

	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})
	return string(caPEM), tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func TestAnArtifactoryReadsCredentialsOnlyInItsOwnNamespace(t *testing.T) {
	other := newNamespace(t)
	theirs := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "their-admin", Namespace: other},
		StringData: adminCreds()}
	if err := k8s.Create(context.Background(), theirs); err != nil {
		t.Fatal(err)
	}

	ns := newNamespace(t)
	art := &v1alpha1.Artifactory{
		ObjectMeta: metav1.ObjectMeta{Name: "main", Namespace: ns},
		Spec: v1alpha1.ArtifactorySpec{URL: emuURL, API: v1alpha1.APILegacy,
			CredentialsSecretRef: v1alpha1.LocalSecretReference{Name: "their-admin"}},
	}
	if err := k8s.Create(context.Background(), art); err != nil {
		t.Fatal(err)
	}
	newToken(t, ns, "borrowed", nil)

	got := serverReady(t, ns, metav1.ConditionFalse, v1alpha1.ReasonInvalidArtifactory)
	msg := meta.FindStatusCondition(got.Status.Conditions, v1alpha1.ConditionReady).Message
	if !strings.Contains(msg, ns+"/their-admin") {
		t.Errorf("Ready message %q does not say the Secret was looked for in the Artifactory's namespace", msg)
	}
	readyIs(t, ns, "borrowed", metav1.ConditionFalse, v1alpha1.ReasonArtifactoryNotReady, 10*time.Second)
}

func TestMetricsShowEachTokensExpiryAndReadiness(t *testing.T) {
	ns := newNamespace(t)
	artifactoryIn(t, ns, adminCreds(), v1alpha1.APILegacy)
	newToken(t, ns, "measured", nil)
	tok := ready(t, ns, "measured")

	var expiry, readyValue float64
	eventually(t, 5*time.Second, "the token's metrics", func() (bool, string) {
		families, err := metrics.Registry.Gather()
		if err != nil {
			return false, err.Error()
		}
		expiry, readyValue = -1, -1
		for _, f := range families {
			for _, m := range f.GetMetric() {
				if !hasLabels(m.GetLabel(), ns, "measured") {
					continue
				}
				switch f.GetName() {
				case "artifactory_token_expiration_timestamp_seconds":
					expiry = m.GetGauge().GetValue()
				case "artifactory_token_ready":
					readyValue = m.GetGauge().GetValue()
				}
			}
		}
		return expiry > 0 && readyValue == 1, fmt.Sprintf("expiry %v ready %v", expiry, readyValue)
	})
	if want := float64(tok.Status.ExpiresAt.Unix()); expiry != want {
		t.Errorf("expiry metric %v, want %v", expiry, want)
	}
}

func hasLabels(labels []*dto.LabelPair, ns, name string) bool {
	found := 0
	for _, l := range labels {
		if (l.GetName() == "namespace" && l.GetValue() == ns) || (l.GetName() == "name" && l.GetValue() == name) {
			found++
		}
	}
	return found == 2
}
