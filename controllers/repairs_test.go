package controllers_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/artifactory-token-operator/artifactory-token-operator/api/v1alpha1"
	"github.com/artifactory-token-operator/artifactory-token-operator/internal/artifactory/emulator"
	"github.com/artifactory-token-operator/artifactory-token-operator/internal/secret"
)

func TestStatusStopsCallingATokenLiveOnceItExpires(t *testing.T) {
	ns := newNamespace(t)
	artifactoryIn(t, ns, adminCreds(), v1alpha1.APILegacy)
	newToken(t, ns, "lapsing", func(s *v1alpha1.ArtifactoryTokenSpec) {
		s.ExpiresIn = duration(6 * time.Second)
		s.RenewBefore = duration(4 * time.Second)
	})
	tok := ready(t, ns, "lapsing")

	emu.SetOutage(true)
	t.Cleanup(func() { emu.SetOutage(false) })

	readyIs(t, ns, "lapsing", metav1.ConditionTrue, v1alpha1.ReasonRenewalFailing, 10*time.Second)
	readyIs(t, ns, "lapsing", metav1.ConditionFalse, v1alpha1.ReasonExpired, 10*time.Second)
	if late := time.Since(tok.Status.ExpiresAt.Time); late > 3*time.Second {
		t.Errorf("status said the token was live until %v after it expired", late)
	}

	// The next failed attempt still says the Secret's token has expired.
	next := tok.Status.FailedAttempts
	eventually(t, 15*time.Second, "another failed attempt", func() (bool, string) {
		got := getToken(t, ns, "lapsing")
		return got.Status.FailedAttempts > next+1, fmt.Sprint(got.Status.FailedAttempts)
	})
	if c := readyCondition(getToken(t, ns, "lapsing")); c.Reason != v1alpha1.ReasonExpired ||
		!strings.Contains(c.Message, "ArtifactoryUnavailable") {
		t.Errorf("after another failure Ready is %s: %s", c.Reason, c.Message)
	}
	held := getSecret(t, ns, "lapsing").Data[secret.KeyAccessToken]
	if string(held) != emuToken(t, tok.Status.TokenID).AccessToken {
		t.Error("the Secret was emptied or changed while no new token could be issued")
	}
}

func TestMovingTheArtifactoryReissues(t *testing.T) {
	other := otherEmulator(t, emulator.Config{})
	otherURL, err := other.Start()
	if err != nil {
		t.Fatal(err)
	}
	ns := newNamespace(t)
	artifactoryIn(t, ns, adminCreds(), v1alpha1.APILegacy)
	newToken(t, ns, "moving", func(s *v1alpha1.ArtifactoryTokenSpec) {
		s.Revocation.GracePeriod = duration(time.Second)
	})
	first := ready(t, ns, "moving").Status.TokenID

	var art v1alpha1.Artifactory
	key := types.NamespacedName{Namespace: ns, Name: "main"}
	eventually(t, 5*time.Second, "the Artifactory moved", func() (bool, string) {
		if err := k8s.Get(context.Background(), key, &art); err != nil {
			return false, err.Error()
		}
		art.Spec.URL = otherURL
		err := k8s.Update(context.Background(), &art)
		return err == nil, "update failed"
	})

	waitForNewToken(t, ns, "moving", first)
	eventually(t, 5*time.Second, "the Secret holding a token of the new server", func() (bool, string) {
		s := getSecret(t, ns, "moving")
		return string(s.Data[secret.KeyURL]) == otherURL &&
			other.Validate(string(s.Data[secret.KeyAccessToken])) == nil, string(s.Data[secret.KeyURL])
	})

	// The replaced token is revoked where it was issued, not on the new server.
	eventually(t, 10*time.Second, "the old token revoked on the old server", func() (bool, string) {
		return revoked(t, first), "still live"
	})
	if n := other.CountCalls(http.MethodPost, "/artifactory/api/security/token/revoke"); n != 0 {
		t.Errorf("%d revocations sent to the new server, which never issued the old token", n)
	}
}

func TestMendingTheCredentialsRetriesAtOnce(t *testing.T) {
	ns := newNamespace(t)
	artifactoryIn(t, ns, map[string]string{"username": adminUser, "password": "wrong"}, v1alpha1.APILegacy)
	newToken(t, ns, "mended", nil)
	readyIs(t, ns, "mended", metav1.ConditionFalse, v1alpha1.ReasonCredentialsRejected, 10*time.Second)

	var s corev1.Secret
	key := types.NamespacedName{Namespace: ns, Name: "artifactory-admin"}
	if err := k8s.Get(context.Background(), key, &s); err != nil {
		t.Fatal(err)
	}
	s.Data = map[string][]byte{"username": []byte(adminUser), "password": []byte(adminPassword)}
	if err := k8s.Update(context.Background(), &s); err != nil {
		t.Fatal(err)
	}

	// Sooner than the 5 s backoff after the first failure.
	readyIs(t, ns, "mended", metav1.ConditionTrue, v1alpha1.ReasonIssued, 3*time.Second)
}

func TestRemovingAConflictingSecretIssuesAtOnce(t *testing.T) {
	ns := newNamespace(t)
	artifactoryIn(t, ns, adminCreds(), v1alpha1.APILegacy)
	foreign := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "in-the-way", Namespace: ns}}
	if err := k8s.Create(context.Background(), foreign); err != nil {
		t.Fatal(err)
	}
	newToken(t, ns, "blocked", func(s *v1alpha1.ArtifactoryTokenSpec) { s.SecretName = "in-the-way" })
	readyIs(t, ns, "blocked", metav1.ConditionFalse, v1alpha1.ReasonSecretConflict, 10*time.Second)

	if err := k8s.Delete(context.Background(), foreign); err != nil {
		t.Fatal(err)
	}
	readyIs(t, ns, "blocked", metav1.ConditionTrue, v1alpha1.ReasonIssued, 3*time.Second)
}

func TestARecreatedTokenTakesOverTheSecretLeftBehind(t *testing.T) {
	ns := newNamespace(t)
	artifactoryIn(t, ns, adminCreds(), v1alpha1.APILegacy)
	newToken(t, ns, "again", nil)
	first := ready(t, ns, "again").Status.TokenID

	// This control plane has no garbage collector: the Secret stays.
	deleteAndWaitGone(t, ns, "again")
	if getSecret(t, ns, "again") == nil {
		t.Skip("the Secret was garbage collected; nothing is left behind to take over")
	}

	newToken(t, ns, "again", nil)
	tok := ready(t, ns, "again")
	if tok.Status.TokenID == first {
		t.Fatal("the recreated token kept the token its predecessor revoked")
	}
	s := getSecret(t, ns, "again")
	if !metav1.IsControlledBy(s, tok) || len(s.OwnerReferences) != 1 {
		t.Errorf("the Secret's owners are %+v, want the new token alone", s.OwnerReferences)
	}
	if err := emu.Validate(string(s.Data[secret.KeyAccessToken])); err != nil {
		t.Errorf("the Secret's token does not work: %v", err)
	}
}

func TestASecretStrippedOfItsLabelIsRepaired(t *testing.T) {
	ns := newNamespace(t)
	artifactoryIn(t, ns, adminCreds(), v1alpha1.APILegacy)
	newToken(t, ns, "stripped", nil)
	first := ready(t, ns, "stripped").Status.TokenID

	s := getSecret(t, ns, "stripped")
	delete(s.Labels, secret.TokenLabel)
	s.Data[secret.KeyAccessToken] = []byte("garbage")
	if err := k8s.Update(context.Background(), s); err != nil {
		t.Fatal(err)
	}

	next := waitForNewToken(t, ns, "stripped", first)
	eventually(t, 5*time.Second, "the Secret repaired and labelled", func() (bool, string) {
		s := getSecret(t, ns, "stripped")
		return s.Labels[secret.TokenLabel] == "stripped" &&
			string(s.Data[secret.KeyAccessToken]) == emuToken(t, next).AccessToken, "not yet"
	})
}
