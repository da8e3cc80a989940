package controllers

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"net/http"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/artifactory-token-operator/artifactory-token-operator/api/v1alpha1"
	"github.com/artifactory-token-operator/artifactory-token-operator/internal/artifactory"
)

// blocked is a reason a token cannot be served until its inputs change: no
// call to Artifactory can help.
type blocked struct {
	reason  string
	message string
}

func (b *blocked) Error() string { return b.message }

// connection is one Artifactory, ready to be called.
type connection struct {
	url    string
	client artifactory.Client
}

// Connector turns the Artifactory a token names into a client for it.
type Connector struct {
	// Cache reads Artifactory objects; APIReader reads credentials Secrets,
	// which carry no label of the operator's and so are not cached.
	Cache     client.Reader
	APIReader client.Reader

	// NewClient builds the client; artifactory.NewLegacy when nil.
	NewClient func(artifactory.Options) (artifactory.Client, error)

	// Timeout bounds every call to Artifactory; the client's default when zero.
	Timeout time.Duration

	mu         sync.Mutex
	transports map[string]*http.Transport
}

// connect resolves the token's Artifactory, its credentials and its trust.
// Errors that only a change of those objects can mend are *blocked.
func (c *Connector) connect(ctx context.Context, tok *v1alpha1.ArtifactoryToken) (*connection, error) {
	ref := tok.Spec.ArtifactoryRef
	if ref.Kind == v1alpha1.KindClusterArtifactory {
		return nil, &blocked{v1alpha1.ReasonUnsupportedReference,
			"ClusterArtifactory references are not supported yet; reference a namespaced Artifactory"}
	}

	var art v1alpha1.Artifactory
	key := types.NamespacedName{Namespace: tok.Namespace, Name: ref.Name}
	if err := c.Cache.Get(ctx, key, &art); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, &blocked{v1alpha1.ReasonArtifactoryNotFound,
				fmt.Sprintf("Artifactory %q not found in namespace %q", ref.Name, tok.Namespace)}
		}
		return nil, fmt.Errorf("reading Artifactory %s: %w", key, err)
	}

	return c.connectTo(ctx, &art)
}

func (c *Connector) connectTo(ctx context.Context, art *v1alpha1.Artifactory) (*connection, error) {
	if api := art.Spec.API; api != v1alpha1.APILegacy && api != "" {
		return nil, &blocked{v1alpha1.ReasonUnsupportedAPI, fmt.Sprintf(
			"Artifactory %q asks for api %s, which this version does not speak yet; use api: Legacy",
			art.Name, api)}
	}

	url, err := artifactory.NormalizeBaseURL(art.Spec.URL)
	if err != nil {
		return nil, &blocked{v1alpha1.ReasonInvalidArtifactory, fmt.Sprintf("Artifactory %q: %v", art.Name, err)}
	}

	creds, err := c.credentials(ctx, art)
	if err != nil {
		return nil, err
	}

	transport, err := c.transport(art.Spec.CABundle)
	if err != nil {
		return nil, &blocked{v1alpha1.ReasonInvalidArtifactory, fmt.Sprintf("Artifactory %q: %v", art.Name, err)}
	}

	newClient := c.NewClient
	if newClient == nil {
		newClient = artifactory.NewLegacy
	}
	cl, err := newClient(artifactory.Options{
		BaseURL:     url,
		Credentials: creds,
		HTTPClient:  &http.Client{Transport: transport},
		Timeout:     c.Timeout,
		UserAgent:   "artifactory-token-operator",
	})
	if err != nil {
		return nil, &blocked{v1alpha1.ReasonInvalidArtifactory, fmt.Sprintf("Artifactory %q: %v", art.Name, err)}
	}
	return &connection{url: url, client: cl}, nil
}

// credentials reads the Artifactory's credentials Secret, uncached.
func (c *Connector) credentials(ctx context.Context, art *v1alpha1.Artifactory,
) (artifactory.Credentials, error) {
	var s corev1.Secret
	key := types.NamespacedName{Namespace: art.Namespace, Name: art.Spec.CredentialsSecretRef.Name}
	if err := c.APIReader.Get(ctx, key, &s); err != nil {
		if apierrors.IsNotFound(err) {
			return artifactory.Credentials{}, &blocked{v1alpha1.ReasonInvalidArtifactory, fmt.Sprintf(
				"credentials Secret %q of Artifactory %q not found", key.Name, art.Name)}
		}
		return artifactory.Credentials{}, fmt.Errorf("reading credentials Secret %s: %w", key, err)
	}

	creds, err := artifactory.CredentialsFromSecretData(s.Data)
	if err != nil {
		return artifactory.Credentials{}, &blocked{v1alpha1.ReasonInvalidArtifactory, fmt.Sprintf(
			"credentials Secret %q of Artifactory %q: %v", key.Name, art.Name, err)}
	}
	return creds, nil
}

// transport is one keep-alive transport per CA bundle, shared by every
// Artifactory that trusts the same bundle.
func (c *Connector) transport(caBundle string) (*http.Transport, error) {
	sum := sha256.Sum256([]byte(caBundle))
	key := hex.EncodeToString(sum[:])

	c.mu.Lock()
	defer c.mu.Unlock()

	if t, ok := c.transports[key]; ok {
		return t, nil
	}

	t := http.DefaultTransport.(*http.Transport).Clone()
	if caBundle != "" {
		pool, err := certPool(caBundle)
		if err != nil {
			return nil, err
		}
		t.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}

	if c.transports == nil {
		c.transports = map[string]*http.Transport{}
	}
	c.transports[key] = t
	return t, nil
}

// certPool is the system's roots plus the bundle's.
func certPool(caBundle string) (*x509.CertPool, error) {
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM([]byte(caBundle)) {
		return nil, fmt.Errorf("caBundle holds no PEM certificate")
	}
	return pool, nil
}
