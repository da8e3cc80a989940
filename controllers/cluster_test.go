package controllers_test

import (
	"context"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/artifactory-token-operator/artifactory-token-operator/api/v1alpha1"
)

// clusterArtifactory makes a ClusterArtifactory with its credentials in the
// cluster resource namespace.
func clusterArtifactory(t *testing.T, name string, p v1alpha1.ClusterArtifactoryPolicy) {
	t.Helper()
	ctx := context.Background()
	s := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: name + "-credentials", Namespace: clusterResourceNamespace},
		StringData: adminCreds(),
	}
	if err := k8s.Create(ctx, s); err != nil {
		t.Fatal(err)
	}
	ca := &v1alpha1.ClusterArtifactory{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: v1alpha1.ClusterArtifactorySpec{
			ArtifactorySpec: v1alpha1.ArtifactorySpec{URL: emuURL, API: v1alpha1.APILegacy,
				CredentialsSecretRef: v1alpha1.LocalSecretReference{Name: s.Name}},
			Policy: p,
		},
	}
	if err := k8s.Create(ctx, ca); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = k8s.Delete(ctx, ca)
		_ = k8s.Delete(ctx, s)
	})
}

func labelNamespace(t *testing.T, ns string, labels map[string]string) {
	t.Helper()
	var n corev1.Namespace
	if err := k8s.Get(context.Background(), types.NamespacedName{Name: ns}, &n); err != nil {
		t.Fatal(err)
	}
	n.Labels = labels
	if err := k8s.Update(context.Background(), &n); err != nil {
		t.Fatal(err)
	}
}

func clusterRef(name string) func(*v1alpha1.ArtifactoryTokenSpec) {
	return func(s *v1alpha1.ArtifactoryTokenSpec) {
		s.ArtifactoryRef = v1alpha1.ArtifactoryReference{Kind: v1alpha1.KindClusterArtifactory, Name: name}
	}
}

func teamPolicy(team string) v1alpha1.ClusterArtifactoryPolicy {
	return v1alpha1.ClusterArtifactoryPolicy{
		NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"team": team}},
		AllowedUsernames:  []string{"c?"},
		AllowedScopes:     []string{"member-of-groups:readers"},
		MaxExpiresIn:      duration(2 * time.Hour),
	}
}

func TestClusterArtifactoryAdmitsOnlyTheNamespacesItsPolicySelects(t *testing.T) {
	clusterArtifactory(t, "shared", teamPolicy("a"))
	admitted, refused := newNamespace(t), newNamespace(t)
	labelNamespace(t, admitted, map[string]string{"team": "a"})

	newToken(t, admitted, "ok", clusterRef("shared"))
	newToken(t, refused, "no", clusterRef("shared"))

	ready(t, admitted, "ok")
	tok := readyIs(t, refused, "no", metav1.ConditionFalse, "NamespaceNotAllowed", 10*time.Second)
	if msg := readyCondition(tok).Message; !strings.Contains(msg, `"shared"`) {
		t.Errorf("Ready message %q does not name the ClusterArtifactory", msg)
	}
}

func TestNoPolicyAdmitsNoNamespace(t *testing.T) {
	clusterArtifactory(t, "closed", v1alpha1.ClusterArtifactoryPolicy{})
	ns := newNamespace(t)
	newToken(t, ns, "shut-out", clusterRef("closed"))
	readyIs(t, ns, "shut-out", metav1.ConditionFalse, "NamespaceNotAllowed", 10*time.Second)
}

func TestPolicyRefusesBeforeCallingArtifactory(t *testing.T) {
	clusterArtifactory(t, "strict", teamPolicy("b"))
	ns := newNamespace(t)
	labelNamespace(t, ns, map[string]string{"team": "b"})

	tests := []struct {
		name, reason string
		edit         func(*v1alpha1.ArtifactoryTokenSpec)
	}{
		{"a username outside the policy", "UsernameNotAllowed",
			func(s *v1alpha1.ArtifactoryTokenSpec) { s.Username = "root" }},
		{"a scope outside the policy", "ScopeNotAllowed",
			func(s *v1alpha1.ArtifactoryTokenSpec) { s.Scope = "member-of-groups:admins" }},
		{"an expiry beyond the policy's", "ExpiresInTooLong",
			func(s *v1alpha1.ArtifactoryTokenSpec) { s.ExpiresIn = duration(3 * time.Hour) }},
		{"a refreshable token", "RefreshableNotAllowed",
			func(s *v1alpha1.ArtifactoryTokenSpec) { s.Refreshable = true }},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			name := "refused-" + string(rune('a'+i))
			newToken(t, ns, name, func(s *v1alpha1.ArtifactoryTokenSpec) {
				clusterRef("strict")(s)
				tt.edit(s)
			})

			readyIs(t, ns, name, metav1.ConditionFalse, tt.reason, 10*time.Second)
			if n := countTokenCalls(start); n != 0 {
				t.Errorf("%d calls to Artifactory for a request the policy refuses", n)
			}
		})
	}
}

func countTokenCalls(since time.Time) int {
	n := 0
	for _, c := range emu.Calls() {
		if c.Path == tokenPath && !c.Time.Before(since) {
			n++
		}
	}
	return n
}

func TestARelabelledNamespaceIsEvaluatedAgain(t *testing.T) {
	clusterArtifactory(t, "relabel", teamPolicy("c"))
	ns := newNamespace(t)
	labelNamespace(t, ns, map[string]string{"team": "c"})
	newToken(t, ns, "member", clusterRef("relabel"))
	first := ready(t, ns, "member")

	labelNamespace(t, ns, map[string]string{"team": "elsewhere"})
	tok := readyIs(t, ns, "member", metav1.ConditionTrue, v1alpha1.ReasonRenewalFailing, 10*time.Second)
	if msg := readyCondition(tok).Message; !strings.Contains(msg, "NamespaceNotAllowed") {
		t.Errorf("Ready message %q does not say the namespace is no longer admitted", msg)
	}
	if s := getSecret(t, ns, "member"); s == nil || emu.Validate(string(s.Data["access_token"])) != nil {
		t.Error("the Secret lost its live token when the namespace stopped being admitted")
	}

	labelNamespace(t, ns, map[string]string{"team": "c"})
	back := readyIs(t, ns, "member", metav1.ConditionTrue, v1alpha1.ReasonIssued, 10*time.Second)
	if back.Status.TokenID != first.Status.TokenID {
		t.Error("the token was replaced, although the one in the Secret was still live")
	}
}
