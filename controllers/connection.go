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
	"k8s.io/apimachinery/pkg/api/meta"
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

// server is an Artifactory or a ClusterArtifactory, seen alike.
type server struct {
	kind v1alpha1.ReferenceKind
	name string

	// credentialsNamespace holds the credentials Secret: the Artifactory's
	// own namespace, or the cluster resource namespace.
	credentialsNamespace string

	spec       *v1alpha1.ArtifactorySpec
	status     *v1alpha1.ArtifactoryStatus
	generation int64
	policy     *v1alpha1.ClusterArtifactoryPolicy
}

func (s *server) String() string { return fmt.Sprintf("%s %q", s.kind, s.name) }

// ready is nil when the server answered its probe for this generation, and
// otherwise says why the tokens that use it must wait.
func (s *server) ready() *blocked {
	c := meta.FindStatusCondition(s.status.Conditions, v1alpha1.ConditionReady)
	switch {
	case c == nil || s.status.ObservedGeneration != s.generation:
		return &blocked{v1alpha1.ReasonArtifactoryNotReady,
			fmt.Sprintf("Waiting for %s to be probed", s)}
	case c.Status != "True":
		return &blocked{v1alpha1.ReasonArtifactoryNotReady,
			fmt.Sprintf("%s is not ready (%s): %s", s, c.Reason, c.Message)}
	default:
		return nil
	}
}

// Connector turns the Artifactory a token names into a client for it.
type Connector struct {
	// Cache reads Artifactory objects; APIReader reads credentials Secrets,
	// which carry no label of the operator's and so are not cached.
	Cache     client.Reader
	APIReader client.Reader

	// ClusterResourceNamespace holds the credentials of ClusterArtifactory objects.
	ClusterResourceNamespace string

	// Timeout bounds every call to Artifactory; the client's default when zero.
	Timeout time.Duration

	mu         sync.Mutex
	transports map[string]*http.Transport
}

// serverFor finds the server a token names.
func (c *Connector) serverFor(ctx context.Context, tok *v1alpha1.ArtifactoryToken) (*server, error) {
	ref := tok.Spec.ArtifactoryRef
	if ref.Kind == v1alpha1.KindClusterArtifactory {
		var ca v1alpha1.ClusterArtifactory
		if err := c.Cache.Get(ctx, types.NamespacedName{Name: ref.Name}, &ca); err != nil {
			return nil, notFound(err, missingServer(tok).message)
		}
		return c.clusterServer(&ca), nil
	}

	var art v1alpha1.Artifactory
	key := types.NamespacedName{Namespace: tok.Namespace, Name: ref.Name}
	if err := c.Cache.Get(ctx, key, &art); err != nil {
		return nil, notFound(err, missingServer(tok).message)
	}
	return namespacedServer(&art), nil
}

func namespacedServer(art *v1alpha1.Artifactory) *server {
	return &server{
		kind: v1alpha1.KindArtifactory, name: art.Name, credentialsNamespace: art.Namespace,
		spec: &art.Spec, status: &art.Status, generation: art.Generation,
	}
}

func (c *Connector) clusterServer(ca *v1alpha1.ClusterArtifactory) *server {
	return &server{
		kind: v1alpha1.KindClusterArtifactory, name: ca.Name, credentialsNamespace: c.ClusterResourceNamespace,
		spec: &ca.Spec.ArtifactorySpec, status: &ca.Status, generation: ca.Generation, policy: &ca.Spec.Policy,
	}
}

// missingServer says the token's server does not exist.
func missingServer(tok *v1alpha1.ArtifactoryToken) *blocked {
	ref := tok.Spec.ArtifactoryRef
	message := fmt.Sprintf("Artifactory %q not found in namespace %q", ref.Name, tok.Namespace)
	if ref.Kind == v1alpha1.KindClusterArtifactory {
		message = fmt.Sprintf("ClusterArtifactory %q not found", ref.Name)
	}
	return &blocked{v1alpha1.ReasonArtifactoryNotFound, message}
}

func notFound(err error, message string) error {
	if apierrors.IsNotFound(err) {
		return &blocked{v1alpha1.ReasonArtifactoryNotFound, message}
	}
	return fmt.Errorf("%s: %w", message, err)
}

// connect is the token's server, ready to mint with the API its probe chose.
func (c *Connector) connect(ctx context.Context, tok *v1alpha1.ArtifactoryToken) (*connection, error) {
	srv, err := c.serverFor(ctx, tok)
	if err != nil {
		return nil, err
	}
	return c.connectServer(ctx, srv)
}

// connectServer is srv, as already read, ready to mint with the API its
// probe chose.
func (c *Connector) connectServer(ctx context.Context, srv *server) (*connection, error) {
	if b := srv.ready(); b != nil {
		return nil, b
	}
	return c.connectTo(ctx, srv, srv.status.API)
}

// connectMoved is the token's server as it was at url, before it moved:
// same credentials, trust and API.
func (c *Connector) connectMoved(ctx context.Context, tok *v1alpha1.ArtifactoryToken, url string,
) (*connection, error) {
	srv, err := c.serverFor(ctx, tok)
	if err != nil {
		return nil, err
	}
	spec := *srv.spec
	spec.URL = url
	srv.spec = &spec
	return c.connectTo(ctx, srv, srv.status.API)
}

// connectTo builds a client for the server, speaking api.
func (c *Connector) connectTo(ctx context.Context, srv *server, api v1alpha1.API) (*connection, error) {
	url, err := artifactory.NormalizeBaseURL(srv.spec.URL)
	if err != nil {
		return nil, &blocked{v1alpha1.ReasonInvalidArtifactory, fmt.Sprintf("%s: %v", srv, err)}
	}

	creds, _, err := c.credentials(ctx, srv)
	if err != nil {
		return nil, err
	}

	transport, err := c.transport(srv.spec.CABundle)
	if err != nil {
		return nil, &blocked{v1alpha1.ReasonInvalidArtifactory, fmt.Sprintf("%s: %v", srv, err)}
	}

	newClient := artifactory.NewLegacy
	if api == v1alpha1.APIAccessTokens {
		newClient = artifactory.NewAccess
	}
	cl, err := newClient(artifactory.Options{
		BaseURL:     url,
		Credentials: creds,
		HTTPClient:  &http.Client{Transport: transport},
		Timeout:     c.Timeout,
		UserAgent:   "artifactory-token-operator",
	})
	if err != nil {
		return nil, &blocked{v1alpha1.ReasonInvalidArtifactory, fmt.Sprintf("%s: %v", srv, err)}
	}
	return &connection{url: url, client: cl}, nil
}

// credentials reads the server's credentials Secret, uncached, and its
// resourceVersion.
func (c *Connector) credentials(ctx context.Context, srv *server) (artifactory.Credentials, string, error) {
	var s corev1.Secret
	key := types.NamespacedName{Namespace: srv.credentialsNamespace, Name: srv.spec.CredentialsSecretRef.Name}
	if err := c.APIReader.Get(ctx, key, &s); err != nil {
		if apierrors.IsNotFound(err) {
			return artifactory.Credentials{}, "", &blocked{v1alpha1.ReasonInvalidArtifactory, fmt.Sprintf(
				"credentials Secret %s of %s not found", key, srv)}
		}
		return artifactory.Credentials{}, "", fmt.Errorf("reading credentials Secret %s: %w", key, err)
	}

	creds, err := artifactory.CredentialsFromSecretData(s.Data)
	if err != nil {
		return artifactory.Credentials{}, "", &blocked{v1alpha1.ReasonInvalidArtifactory, fmt.Sprintf(
			"credentials Secret %s of %s: %v", key, srv, err)}
	}
	return creds, s.ResourceVersion, nil
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
