package emulator_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/artifactory-token-operator/artifactory-token-operator/internal/artifactory/emulator"
)

// selfSignedCert makes a certificate for 127.0.0.1 and a pool trusting it.
func selfSignedCert(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "artifactory-emulator"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:         true,

		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

func TestStartTLS(t *testing.T) {
	s, err := emulator.New(emulator.Config{Users: testUsers()})
	if err != nil {
		t.Fatal(err)
	}
	cert, pool := selfSignedCert(t)

	url, err := s.StartTLS(cert)
	if err != nil {
		t.Fatalf("StartTLS: %v", err)
	}
	defer func() { _ = s.Close() }()

	if !strings.HasPrefix(url, "https://127.0.0.1:") || s.URL() != url {
		t.Errorf("StartTLS URL %q, URL() %q; want the same https://127.0.0.1:PORT", url, s.URL())
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := client.Get(url + versionPath)
	if err != nil {
		t.Fatalf("GET over TLS: %v", err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("version over TLS: %d", resp.StatusCode)
	}
	if _, err := http.Get(url + versionPath); err == nil {
		t.Errorf("a client without the CA was answered")
	}
}

func TestStartTwiceAndClose(t *testing.T) {
	s, err := emulator.New(emulator.Config{Users: testUsers()})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close before Start: %v", err)
	}
	url, err := s.Start()
	if err != nil {
		t.Fatalf("Start: %v", err)
	}

	_, second := s.Start()
	closeErr := s.Close()
	_, getErr := testClient.Get(url + versionPath)

	if second == nil {
		t.Errorf("a second Start while serving succeeded")
	}
	if closeErr != nil || s.Close() != nil {
		t.Errorf("Close: %v; again: %v", closeErr, s.Close())
	}
	if getErr == nil {
		t.Errorf("the emulator still answers after Close")
	}
}

func TestNewRefusesBadConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  emulator.Config
	}{
		{"unnamed user", emulator.Config{Users: []emulator.User{{Password: "x"}}}},
		{"colon in name", emulator.Config{Users: []emulator.User{{Name: "a:b"}}}},
		{"duplicate user", emulator.Config{Users: []emulator.User{{Name: "a"}, {Name: "a"}}}},
		{"service id with a slash", emulator.Config{ServiceID: "a/b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := emulator.New(tt.cfg); err == nil {
				t.Errorf("New accepted %+v", tt.cfg)
			}
		})
	}
}
