package controllers_test

import (
	"context"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/artifactory-token-operator/artifactory-token-operator/api/v1alpha1"
)

func TestAdmissionRejectsBadSpecs(t *testing.T) {
	ns := newNamespace(t)
	long := strings.Repeat("a", 256)

	tests := []struct {
		name    string
		tokName string
		edit    func(*v1alpha1.ArtifactoryTokenSpec)
		wantErr string // "" means admitted
	}{
		{"missing username", "", func(s *v1alpha1.ArtifactoryTokenSpec) { s.Username = "" },
			"spec.username"},
		{"username over 255", "", func(s *v1alpha1.ArtifactoryTokenSpec) { s.Username = long },
			"spec.username"},
		{"scope over 500", "", func(s *v1alpha1.ArtifactoryTokenSpec) { s.Scope = strings.Repeat(long, 2) },
			"spec.scope"},
		{"negative expiresIn", "", func(s *v1alpha1.ArtifactoryTokenSpec) { s.ExpiresIn = duration(-time.Hour) },
			"expiresIn must not be negative"},
		{"fractional expiresIn", "", func(s *v1alpha1.ArtifactoryTokenSpec) {
			s.ExpiresIn = duration(1500 * time.Millisecond)
		}, "whole number of seconds"},
		{"negative renewBefore", "", func(s *v1alpha1.ArtifactoryTokenSpec) {
			s.RenewBefore = duration(-time.Minute)
		}, "renewBefore must not be negative"},
		{"renewBefore as long as expiresIn", "", func(s *v1alpha1.ArtifactoryTokenSpec) {
			s.ExpiresIn, s.RenewBefore = duration(time.Hour), duration(time.Hour)
		}, "renewBefore must be shorter than expiresIn"},
		{"negative gracePeriod", "", func(s *v1alpha1.ArtifactoryTokenSpec) {
			s.Revocation.GracePeriod = duration(-time.Second)
		}, "gracePeriod must not be negative"},
		{"unknown reference kind", "", func(s *v1alpha1.ArtifactoryTokenSpec) { s.ArtifactoryRef.Kind = "Nexus" },
			"spec.artifactoryRef.kind"},
		{"missing reference name", "", func(s *v1alpha1.ArtifactoryTokenSpec) { s.ArtifactoryRef.Name = "" },
			"spec.artifactoryRef.name"},
		{"secretName not a DNS name", "", func(s *v1alpha1.ArtifactoryTokenSpec) { s.SecretName = "Bad_Name" },
			"spec.secretName"},
		{"name too long for the Secret's label", strings.Repeat("n", 64), nil, "at most 63 characters"},
		{"renewBefore with a non-expiring token", "", func(s *v1alpha1.ArtifactoryTokenSpec) {
			s.ExpiresIn, s.RenewBefore = duration(0), duration(time.Hour)
		}, ""},
		{"renewBefore shorter than expiresIn", "", func(s *v1alpha1.ArtifactoryTokenSpec) {
			s.ExpiresIn, s.RenewBefore = duration(time.Hour), duration(59*time.Minute)
		}, ""},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := &v1alpha1.ArtifactoryToken{
				ObjectMeta: metav1.ObjectMeta{Name: tt.tokName, Namespace: ns},
				Spec: v1alpha1.ArtifactoryTokenSpec{
					ArtifactoryRef: v1alpha1.ArtifactoryReference{Name: "main"},
					Username:       ciUser,
				},
			}
			if tok.Name == "" {
				tok.Name = "case-" + string(rune('a'+i))
			}
			if tt.edit != nil {
				tt.edit(&tok.Spec)
			}

			err := k8s.Create(context.Background(), tok)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("rejected a valid spec: %v", err)
			case tt.wantErr != "" && err == nil:
				t.Errorf("admitted a spec that should fail with %q", tt.wantErr)
			case tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr):
				t.Errorf("rejected with %q, want it to say %q", err, tt.wantErr)
			}
		})
	}
}

func TestAdmissionFillsDefaults(t *testing.T) {
	ns := newNamespace(t)
	newToken(t, ns, "defaults", nil)

	tok := getToken(t, ns, "defaults")
	s := tok.Spec
	if s.ExpiresIn == nil || s.ExpiresIn.Duration != time.Hour {
		t.Errorf("expiresIn defaulted to %v, want 1h", s.ExpiresIn)
	}
	if s.ArtifactoryRef.Kind != v1alpha1.KindArtifactory {
		t.Errorf("artifactoryRef.kind defaulted to %q", s.ArtifactoryRef.Kind)
	}
	if s.Revocation.OnDelete == nil || !*s.Revocation.OnDelete ||
		s.Revocation.GracePeriod == nil || s.Revocation.GracePeriod.Duration != 10*time.Minute {
		t.Errorf("revocation defaulted to %+v, want onDelete true and a 10m grace period", s.Revocation)
	}
}

func TestAdmissionRejectsBadArtifactory(t *testing.T) {
	ns := newNamespace(t)
	for _, u := range []string{"", "acme.jfrog.io", "ftp://acme.jfrog.io", "https://"} {
		art := &v1alpha1.Artifactory{
			ObjectMeta: metav1.ObjectMeta{GenerateName: "bad-", Namespace: ns},
			Spec: v1alpha1.ArtifactorySpec{
				URL:                  u,
				CredentialsSecretRef: v1alpha1.LocalSecretReference{Name: "creds"},
			},
		}
		if err := k8s.Create(context.Background(), art); err == nil {
			t.Errorf("admitted url %q", u)
		}
	}
}
