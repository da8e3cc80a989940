package controllers_test

import (
	"context"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/artifactory-token-operator/artifactory-token-operator/api/v1alpha1"
	"github.com/artifactory-token-operator/artifactory-token-operator/internal/issuance"
	"github.com/artifactory-token-operator/artifactory-token-operator/internal/secret"
)

func pendingIDs(tok *v1alpha1.ArtifactoryToken) []string {
	var ids []string
	for _, p := range tok.Status.PendingRevocations {
		ids = append(ids, p.TokenID)
	}
	return ids
}

func revoked(t *testing.T, id string) bool {
	t.Helper()
	return emuToken(t, id).Revoked
}

func TestRevokesTheReplacedTokenAfterItsGracePeriod(t *testing.T) {
	ns := newNamespace(t)
	artifactoryIn(t, ns, adminCreds(), v1alpha1.APILegacy)
	newToken(t, ns, "rotating", func(s *v1alpha1.ArtifactoryTokenSpec) {
		s.ExpiresIn = duration(30 * time.Second)
		s.RenewBefore = duration(27 * time.Second)
		s.Revocation.GracePeriod = duration(3 * time.Second)
	})
	first := ready(t, ns, "rotating").Status.TokenID

	var renewed *v1alpha1.ArtifactoryToken
	eventually(t, 10*time.Second, "the first token replaced and pending", func() (bool, string) {
		renewed = getToken(t, ns, "rotating")
		return strings.Contains(strings.Join(pendingIDs(renewed), " "), first), "pending " +
			strings.Join(pendingIDs(renewed), " ")
	})

	p := renewed.Status.PendingRevocations[0]
	replacedAt := emuToken(t, renewed.Status.TokenID).IssuedAt
	if got := p.RevokeAt.Sub(replacedAt); got < 2*time.Second || got > 5*time.Second {
		t.Errorf("revocation scheduled %v after the new token was issued, want the 3s grace period", got)
	}
	if time.Now().Before(p.RevokeAt.Time) && revoked(t, first) {
		t.Error("the replaced token was revoked within its grace period")
	}

	eventually(t, 10*time.Second, "the replaced token revoked", func() (bool, string) {
		return revoked(t, first), "still live"
	})
	current := getSecret(t, ns, "rotating").Data[secret.KeyAccessToken]
	if err := emu.Validate(string(current)); err != nil {
		t.Errorf("the Secret's token does not work after its predecessor was revoked: %v", err)
	}
	waitForEvent(t, ns, "rotating", v1alpha1.EventRevoked)
}

func TestDeletingATokenRevokesTheLiveAndPendingTokens(t *testing.T) {
	ns := newNamespace(t)
	artifactoryIn(t, ns, adminCreds(), v1alpha1.APILegacy)
	newToken(t, ns, "doomed", func(s *v1alpha1.ArtifactoryTokenSpec) {
		s.Revocation.GracePeriod = duration(time.Hour)
	})
	first := ready(t, ns, "doomed").Status.TokenID

	editToken(t, ns, "doomed", func(s *v1alpha1.ArtifactoryTokenSpec) { s.Scope = "member-of-groups:admins" })
	second := waitForNewToken(t, ns, "doomed", first)
	if revoked(t, first) {
		t.Fatal("the replaced token was revoked before its one-hour grace period")
	}

	deleteAndWaitGone(t, ns, "doomed")

	for _, id := range []string{first, second} {
		if !revoked(t, id) {
			t.Errorf("token %s is still live after its ArtifactoryToken was deleted", id)
		}
	}
}

func TestDeletionCompletesWhenRevocationIsImpossible(t *testing.T) {
	t.Run("Artifactory gone", func(t *testing.T) {
		ns := newNamespace(t)
		artifactoryIn(t, ns, adminCreds(), v1alpha1.APILegacy)
		newToken(t, ns, "orphan", nil)
		id := ready(t, ns, "orphan").Status.TokenID

		art := &v1alpha1.Artifactory{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "main"}}
		if err := k8s.Delete(context.Background(), art); err != nil {
			t.Fatal(err)
		}
		deleteAndWaitGone(t, ns, "orphan")

		waitForEvent(t, ns, "orphan", v1alpha1.EventRevocationFailed)
		if revoked(t, id) {
			t.Error("revoked without an Artifactory?")
		}
	})

	t.Run("Artifactory down", func(t *testing.T) {
		ns := newNamespace(t)
		artifactoryIn(t, ns, adminCreds(), v1alpha1.APILegacy)
		newToken(t, ns, "stranded", nil)
		ready(t, ns, "stranded")

		emu.SetOutage(true)
		t.Cleanup(func() { emu.SetOutage(false) })
		deleteAndWaitGone(t, ns, "stranded")
		waitForEvent(t, ns, "stranded", v1alpha1.EventRevocationFailed)
	})

	t.Run("onDelete false keeps the token", func(t *testing.T) {
		ns := newNamespace(t)
		artifactoryIn(t, ns, adminCreds(), v1alpha1.APILegacy)
		newToken(t, ns, "kept", func(s *v1alpha1.ArtifactoryTokenSpec) {
			s.Revocation.OnDelete = new(bool)
		})
		id := ready(t, ns, "kept").Status.TokenID

		deleteAndWaitGone(t, ns, "kept")
		if revoked(t, id) {
			t.Error("revoked on delete although revocation.onDelete is false")
		}
	})
}

// deleteAndWaitGone deletes a token and waits for its finalizer to let go.
func deleteAndWaitGone(t *testing.T, ns, name string) {
	t.Helper()
	tok := &v1alpha1.ArtifactoryToken{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
	if err := k8s.Delete(context.Background(), tok); err != nil {
		t.Fatalf("deleting: %v", err)
	}
	eventually(t, 30*time.Second, "the ArtifactoryToken gone", func() (bool, string) {
		var got v1alpha1.ArtifactoryToken
		err := k8s.Get(context.Background(), types.NamespacedName{Namespace: ns, Name: name}, &got)
		return apierrors.IsNotFound(err), "finalizers " + strings.Join(got.Finalizers, ",")
	})
}

func waitForEvent(t *testing.T, ns, name, reason string) {
	t.Helper()
	eventually(t, 10*time.Second, "an event "+reason, func() (bool, string) {
		for _, e := range listEvents(t, ns) {
			if e.Regarding.Name == name && e.Reason == reason {
				return true, ""
			}
		}
		return false, "none"
	})
}

func TestARestartedManagerKeepsTheSchedule(t *testing.T) {
	ns := newNamespace(t)
	artifactoryIn(t, ns, adminCreds(), v1alpha1.APILegacy)
	newToken(t, ns, "steady", func(s *v1alpha1.ArtifactoryTokenSpec) {
		s.ExpiresIn = duration(12 * time.Second)
	})
	tok := ready(t, ns, "steady")
	renewal := tok.Status.RenewalTime.Time

	restartManager(t)

	// Not at once: the token stands until shortly before its renewal time.
	for time.Until(renewal) > time.Second {
		if id := getToken(t, ns, "steady").Status.TokenID; id != tok.Status.TokenID {
			t.Fatalf("the restarted manager replaced the token %v before its renewal time", time.Until(renewal))
		}
		time.Sleep(200 * time.Millisecond)
	}

	// Not late: renewed within moments of it.
	next := waitForNewToken(t, ns, "steady", tok.Status.TokenID)
	if late := emuToken(t, next).IssuedAt.Sub(renewal); late > 3*time.Second {
		t.Errorf("renewed %v after the recorded renewal time", late)
	}
}

func TestReissuesWhenTheSecretIsEdited(t *testing.T) {
	ns := newNamespace(t)
	artifactoryIn(t, ns, adminCreds(), v1alpha1.APILegacy)
	newToken(t, ns, "tampered", nil)
	first := ready(t, ns, "tampered").Status.TokenID

	s := getSecret(t, ns, "tampered")
	s.Data[secret.KeyAccessToken] = []byte("not what was issued")
	if err := k8s.Update(context.Background(), s); err != nil {
		t.Fatal(err)
	}

	next := waitForNewToken(t, ns, "tampered", first)
	eventually(t, 5*time.Second, "the Secret repaired", func() (bool, string) {
		got := getSecret(t, ns, "tampered").Data[secret.KeyAccessToken]
		return string(got) == emuToken(t, next).AccessToken, string(got[:min(len(got), 8)])
	})
	if !strings.Contains(strings.Join(pendingIDs(getToken(t, ns, "tampered")), " "), first) {
		t.Error("the token the edit replaced is not pending revocation")
	}
}

func TestSpecChangesThatShapeTheTokenReissue(t *testing.T) {
	ns := newNamespace(t)
	artifactoryIn(t, ns, adminCreds(), v1alpha1.APILegacy)
	newToken(t, ns, "shaped", nil)
	first := ready(t, ns, "shaped").Status.TokenID

	editToken(t, ns, "shaped", func(s *v1alpha1.ArtifactoryTokenSpec) {
		s.RenewBefore = duration(5 * time.Minute)
		s.Revocation.GracePeriod = duration(time.Minute)
	})
	var tok *v1alpha1.ArtifactoryToken
	eventually(t, 10*time.Second, "the renewBefore change reconciled", func() (bool, string) {
		tok = getToken(t, ns, "shaped")
		return tok.Status.ObservedGeneration == tok.Generation &&
			tok.Status.RenewalTime.Equal(&metav1.Time{Time: tok.Status.ExpiresAt.Add(-5 * time.Minute)}), "not yet"
	})
	if tok.Status.TokenID != first {
		t.Fatal("a change to renewBefore and revocation reissued the token")
	}

	editToken(t, ns, "shaped", func(s *v1alpha1.ArtifactoryTokenSpec) { s.Scope = "member-of-groups:admins" })
	next := waitForNewToken(t, ns, "shaped", first)
	if rec := emuToken(t, next); !strings.Contains(rec.Scope, "admins") {
		t.Errorf("the reissued token has scope %q, want the new one", rec.Scope)
	}
}

func TestChangingSecretNameLeavesNoOrphan(t *testing.T) {
	ns := newNamespace(t)
	artifactoryIn(t, ns, adminCreds(), v1alpha1.APILegacy)
	newToken(t, ns, "mover", func(s *v1alpha1.ArtifactoryTokenSpec) { s.SecretName = "before" })
	ready(t, ns, "mover")

	editToken(t, ns, "mover", func(s *v1alpha1.ArtifactoryTokenSpec) { s.SecretName = "after" })

	eventually(t, 10*time.Second, "the token moved to Secret after", func() (bool, string) {
		tok := getToken(t, ns, "mover")
		s := getSecret(t, ns, "after")
		return s != nil && tok.Status.SecretName == "after" &&
			emu.Validate(string(s.Data[secret.KeyAccessToken])) == nil, "status " + tok.Status.SecretName
	})
	eventually(t, 5*time.Second, "the old Secret removed", func() (bool, string) {
		return getSecret(t, ns, "before") == nil, "still there"
	})
}

func TestSecretNeverLosesItsTokenDuringAnOutage(t *testing.T) {
	ns := newNamespace(t)
	artifactoryIn(t, ns, adminCreds(), v1alpha1.APILegacy)
	newToken(t, ns, "outage", func(s *v1alpha1.ArtifactoryTokenSpec) {
		s.ExpiresIn = duration(40 * time.Second)
		s.RenewBefore = duration(37 * time.Second)
	})
	tok := ready(t, ns, "outage")
	held := string(getSecret(t, ns, "outage").Data[secret.KeyAccessToken])

	emu.SetOutage(true)
	t.Cleanup(func() { emu.SetOutage(false) })

	readyIs(t, ns, "outage", metav1.ConditionTrue, v1alpha1.ReasonRenewalFailing, 15*time.Second)
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		if got := string(getSecret(t, ns, "outage").Data[secret.KeyAccessToken]); got != held {
			t.Fatal("the Secret's token changed during the outage")
		}
		time.Sleep(200 * time.Millisecond)
	}
	during := getToken(t, ns, "outage")
	emu.SetOutage(false)

	if during.Status.FailedAttempts < 1 || during.Status.TokenID != tok.Status.TokenID {
		t.Errorf("during the outage: failedAttempts %d, token %s", during.Status.FailedAttempts,
			during.Status.TokenID)
	}
	// The next attempt comes one backoff step after the last failure.
	step := issuance.Backoff(during.Status.FailedAttempts)
	by := during.Status.LastFailureTime.Add(step + 3*time.Second)
	eventually(t, time.Until(by), "renewed within one backoff step ("+step.String()+")",
		func() (bool, string) {
			id := getToken(t, ns, "outage").Status.TokenID
			return id != tok.Status.TokenID, "token " + id
		})
	readyIs(t, ns, "outage", metav1.ConditionTrue, v1alpha1.ReasonIssued, 5*time.Second)
}
