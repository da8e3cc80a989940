package controllers_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/artifactory-token-operator/artifactory-token-operator/api/v1alpha1"
)

// artifactoryIn makes a credentials Secret and an Artifactory named "main"
// pointing at the emulator.
func artifactoryIn(t *testing.T, ns string, creds map[string]string, api v1alpha1.API) {
	t.Helper()
	artifactoryAt(t, ns, creds, api, emuURL, "")
}

// artifactoryAt makes a credentials Secret and an Artifactory named "main"
// pointing at url, trusting caBundle.
func artifactoryAt(t *testing.T, ns string, creds map[string]string, api v1alpha1.API, url, caBundle string) {
	t.Helper()
	ctx := context.Background()

	s := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "artifactory-admin", Namespace: ns},
		StringData: creds,
	}
	if err := k8s.Create(ctx, s); err != nil {
		t.Fatalf("creating credentials Secret: %v", err)
	}

	art := &v1alpha1.Artifactory{
		ObjectMeta: metav1.ObjectMeta{Name: "main", Namespace: ns},
		Spec: v1alpha1.ArtifactorySpec{
			URL:                  url,
			CredentialsSecretRef: v1alpha1.LocalSecretReference{Name: s.Name},
			API:                  api,
			CABundle:             caBundle,
		},
	}
	if err := k8s.Create(ctx, art); err != nil {
		t.Fatalf("creating Artifactory: %v", err)
	}
}

func adminCreds() map[string]string {
	return map[string]string{"username": adminUser, "password": adminPassword}
}

// newToken makes an ArtifactoryToken for user ci on "main"; edit adjusts it.
func newToken(t *testing.T, ns, name string, edit func(*v1alpha1.ArtifactoryTokenSpec)) {
	t.Helper()
	tok := &v1alpha1.ArtifactoryToken{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: v1alpha1.ArtifactoryTokenSpec{
			ArtifactoryRef: v1alpha1.ArtifactoryReference{Name: "main"},
			Username:       ciUser,
			Scope:          "member-of-groups:readers",
		},
	}
	if edit != nil {
		edit(&tok.Spec)
	}
	if err := k8s.Create(context.Background(), tok); err != nil {
		t.Fatalf("creating ArtifactoryToken: %v", err)
	}
	// Deleted after the test, so that its renewals do not run on behind
	// the tests that count calls to Artifactory; its last status is kept
	// for the leak check at the end of the run.
	t.Cleanup(func() {
		var last v1alpha1.ArtifactoryToken
		if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(tok), &last); err == nil {
			finalStatuses = append(finalStatuses, last.Status)
		}
		_ = k8s.Delete(context.Background(), tok)
	})
}

// editToken changes a token's spec.
func editToken(t *testing.T, ns, name string, edit func(*v1alpha1.ArtifactoryTokenSpec)) {
	t.Helper()
	tok := getToken(t, ns, name)
	edit(&tok.Spec)
	if err := k8s.Update(context.Background(), tok); err != nil {
		t.Fatalf("updating ArtifactoryToken: %v", err)
	}
}

func duration(d time.Duration) *metav1.Duration { return &metav1.Duration{Duration: d} }

func getToken(t *testing.T, ns, name string) *v1alpha1.ArtifactoryToken {
	t.Helper()
	var tok v1alpha1.ArtifactoryToken
	if err := k8s.Get(context.Background(), types.NamespacedName{Namespace: ns, Name: name}, &tok); err != nil {
		t.Fatalf("reading ArtifactoryToken: %v", err)
	}
	return &tok
}

// getSecret reads a Secret; nil when it does not exist.
func getSecret(t *testing.T, ns, name string) *corev1.Secret {
	t.Helper()
	var s corev1.Secret
	err := k8s.Get(context.Background(), types.NamespacedName{Namespace: ns, Name: name}, &s)
	if err != nil {
		return nil
	}
	return &s
}

// readyIs waits until the token's Ready condition has this status and reason.
func readyIs(t *testing.T, ns, name string, status metav1.ConditionStatus, reason string,
	timeout time.Duration,
) *v1alpha1.ArtifactoryToken {
	t.Helper()
	var tok *v1alpha1.ArtifactoryToken
	eventually(t, timeout, fmt.Sprintf("Ready=%s/%s", status, reason), func() (bool, string) {
		tok = getToken(t, ns, name)
		c := meta.FindStatusCondition(tok.Status.Conditions, v1alpha1.ConditionReady)
		if c == nil {
			return false, "no Ready condition"
		}
		return c.Status == status && c.Reason == reason, fmt.Sprintf("%s/%s: %s", c.Status, c.Reason, c.Message)
	})
	return tok
}

func ready(t *testing.T, ns, name string) *v1alpha1.ArtifactoryToken {
	t.Helper()
	return readyIs(t, ns, name, metav1.ConditionTrue, v1alpha1.ReasonIssued, 20*time.Second)
}

func readyCondition(tok *v1alpha1.ArtifactoryToken) metav1.Condition {
	c := meta.FindStatusCondition(tok.Status.Conditions, v1alpha1.ConditionReady)
	if c == nil {
		return metav1.Condition{}
	}
	return *c
}
