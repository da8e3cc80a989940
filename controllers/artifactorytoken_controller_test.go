package controllers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/artifactory-token-operator/artifactory-token-operator/api/v1alpha1"
	"github.com/artifactory-token-operator/artifactory-token-operator/internal/artifactory/emulator"
	"github.com/artifactory-token-operator/artifactory-token-operator/internal/secret"
)

// emuToken is the emulator's record of a token.
func emuToken(t *testing.T, id string) emulator.TokenRecord {
	t.Helper()
	for _, rec := range emu.Tokens() {
		if rec.ID == id {
			return rec
		}
	}
	t.Fatalf("the emulator never issued token %q", id)
	return emulator.TokenRecord{}
}

func TestIssuesTokenIntoSecret(t *testing.T) {
	ns := newNamespace(t)
	artifactoryIn(t, ns, adminCreds(), v1alpha1.APILegacy)
	newToken(t, ns, "ci-reader", func(s *v1alpha1.ArtifactoryTokenSpec) { s.SecretName = "ci-reader-token" })

	tok := ready(t, ns, "ci-reader")
	s := getSecret(t, ns, "ci-reader-token")
	if s == nil {
		t.Fatal("Ready, but the Secret ci-reader-token does not exist")
	}

	if err := emu.Validate(string(s.Data[secret.KeyAccessToken])); err != nil {
		t.Errorf("the Secret's access_token does not work on Artifactory: %v", err)
	}
	rec := emuToken(t, tok.Status.TokenID)
	if rec.AccessToken != string(s.Data[secret.KeyAccessToken]) {
		t.Error("status.tokenID names another token than the one in the Secret")
	}
	if rec.Username != ciUser || rec.ExpiresAt == nil || rec.ExpiresAt.Sub(rec.IssuedAt) != time.Hour {
		t.Errorf("Artifactory issued %+v; want a one-hour token for %s", rec, ciUser)
	}

	want := map[string]string{
		secret.KeyTokenType: "Bearer",
		secret.KeyExpiresIn: "3600",
		secret.KeyUsername:  ciUser,
		secret.KeyURL:       emuURL,
		secret.KeyExpiresAt: tok.Status.ExpiresAt.UTC().Format(time.RFC3339),
	}
	for k, v := range want {
		if got := string(s.Data[k]); got != v {
			t.Errorf("Secret %s = %q, want %q", k, got, v)
		}
	}
	if scope := string(s.Data[secret.KeyScope]); !strings.Contains(scope, "member-of-groups:readers") {
		t.Errorf("Secret scope = %q, want the granted member-of-groups:readers", scope)
	}
	if _, ok := s.Data[secret.KeyRefreshToken]; ok {
		t.Error("a token that is not refreshable has a refresh_token key")
	}

	if s.Type != corev1.SecretTypeOpaque || s.Labels[secret.TokenLabel] != "ci-reader" {
		t.Errorf("Secret type %q labels %v; want Opaque labelled with the token", s.Type, s.Labels)
	}
	if !metav1.IsControlledBy(s, tok) {
		t.Errorf("Secret owner references %v do not name the token as controller", s.OwnerReferences)
	}

	if got, want := tok.Status.RenewalTime.Sub(tok.Status.IssuedAt.Time), 40*time.Minute; got != want {
		t.Errorf("renewal %v after issue, want %v (two thirds of the lifetime)", got, want)
	}
	if tok.Status.ObservedGeneration != tok.Generation || tok.Status.FailedAttempts != 0 {
		t.Errorf("status observedGeneration %d failedAttempts %d, want %d and 0",
			tok.Status.ObservedGeneration, tok.Status.FailedAttempts, tok.Generation)
	}
}

func TestRenewsShortTokenBeforeItExpires(t *testing.T) {
	ns := newNamespace(t)
	artifactoryIn(t, ns, adminCreds(), v1alpha1.APILegacy)
	newToken(t, ns, "short", func(s *v1alpha1.ArtifactoryTokenSpec) {
		s.ExpiresIn = duration(6 * time.Second)
		s.RenewBefore = duration(3 * time.Second)
	})

	first := ready(t, ns, "short")
	if got := first.Status.RenewalTime.Sub(first.Status.ExpiresAt.Time); got != -3*time.Second {
		t.Errorf("renewal %v from expiry, want renewBefore's -3s", got)
	}

	var renewed *v1alpha1.ArtifactoryToken
	eventually(t, 15*time.Second, "a renewed token", func() (bool, string) {
		renewed = getToken(t, ns, "short")
		return renewed.Status.TokenID != first.Status.TokenID, "token " + renewed.Status.TokenID
	})

	next := emuToken(t, renewed.Status.TokenID)
	if !next.IssuedAt.Before(first.Status.ExpiresAt.Time) {
		t.Errorf("renewed at %v, after the old token expired at %v", next.IssuedAt, first.Status.ExpiresAt)
	}
	eventually(t, 5*time.Second, "the Secret holding the renewed token", func() (bool, string) {
		s := getSecret(t, ns, "short")
		return s != nil && string(s.Data[secret.KeyAccessToken]) == next.AccessToken, "an older token"
	})
}

func TestRenewsOnTheLifetimeArtifactoryGranted(t *testing.T) {
	emu.SetMaxLifetime(6 * time.Second)
	t.Cleanup(func() { emu.SetMaxLifetime(0) })

	ns := newNamespace(t)
	artifactoryIn(t, ns, adminCreds(), v1alpha1.APILegacy)
	newToken(t, ns, "clamped", func(s *v1alpha1.ArtifactoryTokenSpec) {
		s.ExpiresIn = duration(time.Hour)
		s.RenewBefore = duration(30 * time.Minute)
	})

	first := ready(t, ns, "clamped")
	granted := first.Status.ExpiresAt.Sub(first.Status.IssuedAt.Time)
	if granted != 6*time.Second {
		t.Fatalf("status shows a %v lifetime, want the 6s Artifactory granted", granted)
	}
	if got := first.Status.RenewalTime.Sub(first.Status.IssuedAt.Time); got != 4*time.Second {
		t.Errorf("renewal %v after issue, want 4s: two thirds, since renewBefore exceeds the lifetime", got)
	}

	eventually(t, 15*time.Second, "a renewed token", func() (bool, string) {
		tok := getToken(t, ns, "clamped")
		return tok.Status.TokenID != first.Status.TokenID, "token " + tok.Status.TokenID
	})
}

func TestNonExpiringToken(t *testing.T) {
	ns := newNamespace(t)
	artifactoryIn(t, ns, adminCreds(), v1alpha1.APILegacy)
	newToken(t, ns, "forever", func(s *v1alpha1.ArtifactoryTokenSpec) { s.ExpiresIn = duration(0) })

	tok := ready(t, ns, "forever")
	if tok.Status.ExpiresAt != nil || tok.Status.RenewalTime != nil {
		t.Errorf("status expiresAt %v renewalTime %v, want neither", tok.Status.ExpiresAt, tok.Status.RenewalTime)
	}
	if rec := emuToken(t, tok.Status.TokenID); rec.ExpiresAt != nil {
		t.Errorf("Artifactory issued a token expiring at %v; expires_in=0 was not sent", rec.ExpiresAt)
	}

	s := getSecret(t, ns, "forever")
	if _, ok := s.Data[secret.KeyExpiresAt]; ok {
		t.Error("a non-expiring token's Secret has expires_at")
	}
	if got := string(s.Data[secret.KeyExpiresIn]); got != "0" {
		t.Errorf("expires_in = %q, want 0", got)
	}
}

func TestRefreshableTokenRenewsWithItsRefreshToken(t *testing.T) {
	ns := newNamespace(t)
	artifactoryIn(t, ns, adminCreds(), v1alpha1.APILegacy)
	newToken(t, ns, "fresh", func(s *v1alpha1.ArtifactoryTokenSpec) {
		s.ExpiresIn = duration(6 * time.Second)
		s.Refreshable = true
	})

	first := ready(t, ns, "fresh")
	if len(getSecret(t, ns, "fresh").Data[secret.KeyRefreshToken]) == 0 {
		t.Fatal("a refreshable token's Secret has no refresh_token")
	}

	refreshed := waitForNewToken(t, ns, "fresh", first.Status.TokenID)
	if rec := emuToken(t, refreshed); !rec.Refreshable || rec.Username != ciUser {
		t.Errorf("the refreshed token is %+v, want a refreshable token for %s", rec, ciUser)
	}
	if n := countRefreshes(http.StatusOK); n == 0 {
		t.Error("the token was renewed without a refresh")
	}

	// Spend the Secret's refresh token behind the operator's back: its next
	// refresh is refused, and it must mint a new token instead.
	spendRefreshToken(t, getSecret(t, ns, "fresh"))
	refused := countRefreshes(http.StatusBadRequest)

	fallback := waitForNewToken(t, ns, "fresh", refreshed)
	if countRefreshes(http.StatusBadRequest) <= refused {
		t.Error("the renewal did not try the spent refresh token first")
	}
	s := getSecret(t, ns, "fresh")
	if string(s.Data[secret.KeyAccessToken]) != emuToken(t, fallback).AccessToken ||
		len(s.Data[secret.KeyRefreshToken]) == 0 {
		t.Error("after the fallback the Secret does not hold the new refreshable token")
	}
	if tok := getToken(t, ns, "fresh"); readyCondition(tok).Reason != v1alpha1.ReasonIssued {
		t.Errorf("after the fallback Ready is %+v", readyCondition(tok))
	}
}

// waitForNewToken waits until status names a token other than old.
func waitForNewToken(t *testing.T, ns, name, old string) string {
	t.Helper()
	var id string
	eventually(t, 15*time.Second, "a new token", func() (bool, string) {
		id = getToken(t, ns, name).Status.TokenID
		return id != old && id != "", "token " + id
	})
	return id
}

func countRefreshes(status int) int {
	n := 0
	for _, c := range emu.Calls() {
		if c.GrantType == "refresh_token" && c.Status == status {
			n++
		}
	}
	return n
}

// spendRefreshToken uses the Secret's refresh token once, as another client would.
func spendRefreshToken(t *testing.T, s *corev1.Secret) {
	t.Helper()
	form := url.Values{
		"grant_type":    {"refresh_token"},
		"refresh_token": {string(s.Data[secret.KeyRefreshToken])},
		"access_token":  {string(s.Data[secret.KeyAccessToken])},
	}
	resp, err := http.PostForm(emuURL+"/artifactory/api/security/token", form)
	if err != nil {
		t.Fatalf("spending the refresh token: %v", err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("spending the refresh token answered %d; the operator refreshed it first", resp.StatusCode)
	}
}

func TestArtifactoryRefusalsShowOnStatus(t *testing.T) {
	tests := []struct {
		name        string
		creds       map[string]string
		expiresIn   time.Duration
		wantReason  string
		wantMessage string
	}{
		{
			name:        "non-admin asks for more than an hour",
			creds:       map[string]string{"username": ciUser, "password": ciPassword},
			expiresIn:   2 * time.Hour,
			wantReason:  v1alpha1.ReasonArtifactoryRefused,
			wantMessage: "3600",
		},
		{
			name:        "bad credentials",
			creds:       map[string]string{"username": adminUser, "password": "wrong"},
			expiresIn:   time.Hour,
			wantReason:  v1alpha1.ReasonCredentialsRejected,
			wantMessage: "Bad Credentials",
		},
		{
			name:        "bearer token unknown to Artifactory",
			creds:       map[string]string{"token": "not-a-token-artifactory-issued"},
			expiresIn:   time.Hour,
			wantReason:  v1alpha1.ReasonCredentialsRejected,
			wantMessage: "Bad Credentials",
		},
		{
			name:        "credentials Secret with neither pair nor token",
			creds:       map[string]string{"user": adminUser},
			expiresIn:   time.Hour,
			wantReason:  v1alpha1.ReasonArtifactoryNotReady,
			wantMessage: "token",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ns := newNamespace(t)
			artifactoryIn(t, ns, tt.creds, v1alpha1.APILegacy)
			newToken(t, ns, "refused", func(s *v1alpha1.ArtifactoryTokenSpec) {
				s.ExpiresIn = duration(tt.expiresIn)
			})

			tok := readyIs(t, ns, "refused", metav1.ConditionFalse, tt.wantReason, 20*time.Second)
			if msg := readyCondition(tok).Message; !strings.Contains(msg, tt.wantMessage) {
				t.Errorf("Ready message %q does not carry %q", msg, tt.wantMessage)
			}
			if tok.Status.FailedAttempts < 1 || tok.Status.LastFailureTime == nil {
				t.Errorf("failedAttempts %d lastFailureTime %v after a failure",
					tok.Status.FailedAttempts, tok.Status.LastFailureTime)
			}
			if getSecret(t, ns, "refused") != nil {
				t.Error("a Secret was written although Artifactory refused")
			}
			waitForWarning(t, ns, "refused", tt.wantReason)
		})
	}
}

func waitForWarning(t *testing.T, ns, name, reason string) {
	t.Helper()
	eventually(t, 10*time.Second, "a Warning event "+reason, func() (bool, string) {
		for _, e := range listEvents(t, ns) {
			if e.Regarding.Name == name && e.Type == corev1.EventTypeWarning && e.Reason == reason {
				return true, ""
			}
		}
		return false, "none"
	})
}

func TestWaitsForItsArtifactoryThenIssues(t *testing.T) {
	ns := newNamespace(t)
	newToken(t, ns, "early", nil)

	tok := readyIs(t, ns, "early", metav1.ConditionFalse, v1alpha1.ReasonArtifactoryNotFound, 10*time.Second)
	if msg := readyCondition(tok).Message; !strings.Contains(msg, `"main"`) {
		t.Errorf("Ready message %q does not name the missing Artifactory", msg)
	}

	// The Artifactory's arrival is watched: no backoff to wait out.
	artifactoryIn(t, ns, adminCreds(), v1alpha1.APILegacy)
	readyIs(t, ns, "early", metav1.ConditionTrue, v1alpha1.ReasonIssued, 4*time.Second)
}

func TestLeavesAForeignSecretAlone(t *testing.T) {
	ns := newNamespace(t)
	artifactoryIn(t, ns, adminCreds(), v1alpha1.APILegacy)
	foreign := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "taken", Namespace: ns},
		Data:       map[string][]byte{"password": []byte("keep me")},
	}
	if err := k8s.Create(context.Background(), foreign); err != nil {
		t.Fatal(err)
	}

	newToken(t, ns, "intruder", func(s *v1alpha1.ArtifactoryTokenSpec) {
		s.SecretName = "taken"
		s.Username = "intruder" // a transient user: no other test mints for it
	})

	tok := readyIs(t, ns, "intruder", metav1.ConditionFalse, v1alpha1.ReasonSecretConflict, 10*time.Second)
	if msg := readyCondition(tok).Message; !strings.Contains(msg, `"taken"`) {
		t.Errorf("Ready message %q does not name the Secret", msg)
	}
	s := getSecret(t, ns, "taken")
	if string(s.Data["password"]) != "keep me" || len(s.Data) != 1 || len(s.OwnerReferences) != 0 {
		t.Errorf("the foreign Secret was changed: %v", s.OwnerReferences)
	}
	for _, rec := range emu.Tokens() {
		if rec.Username == "intruder" {
			t.Errorf("token %s was minted for a Secret that cannot be written", rec.ID)
		}
	}
}

func TestReissuesWhenTheSecretIsDeleted(t *testing.T) {
	ns := newNamespace(t)
	artifactoryIn(t, ns, adminCreds(), v1alpha1.APILegacy)
	newToken(t, ns, "phoenix", nil)
	first := ready(t, ns, "phoenix")

	if err := k8s.Delete(context.Background(), getSecret(t, ns, "phoenix")); err != nil {
		t.Fatal(err)
	}

	next := waitForNewToken(t, ns, "phoenix", first.Status.TokenID)
	eventually(t, 5*time.Second, "the Secret back with the new token", func() (bool, string) {
		s := getSecret(t, ns, "phoenix")
		return s != nil && string(s.Data[secret.KeyAccessToken]) == emuToken(t, next).AccessToken, "not yet"
	})
}

func TestManagerCachesOnlyTheSecretsItLabels(t *testing.T) {
	ns := newNamespace(t)
	artifactoryIn(t, ns, adminCreds(), v1alpha1.APILegacy)
	newToken(t, ns, "cached", nil)
	ready(t, ns, "cached")

	ctx := context.Background()
	var s corev1.Secret
	eventually(t, 5*time.Second, "the token Secret in the manager's cache", func() (bool, string) {
		err := mgrCache.Get(ctx, types.NamespacedName{Namespace: ns, Name: "cached"}, &s)
		return err == nil, fmt.Sprint(err)
	})

	err := mgrCache.Get(ctx, types.NamespacedName{Namespace: ns, Name: "artifactory-admin"}, &s)
	if !apierrors.IsNotFound(err) {
		t.Errorf("the manager's cache holds the credentials Secret (err %v), not only labelled ones", err)
	}
}
