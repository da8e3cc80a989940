package controllers_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/artifactory-token-operator/artifactory-token-operator/api/v1alpha1"
	"github.com/artifactory-token-operator/artifactory-token-operator/internal/artifactory/emulator"
	"github.com/artifactory-token-operator/artifactory-token-operator/internal/secret"
)

const accessPath = "/access/api/v1/tokens"

// accessCalls counts the Access API's answers with this method and status.
func accessCalls(method string, status int, since time.Time) int {
	n := 0
	for _, c := range emu.Calls() {
		if c.Method == method && c.Status == status && strings.HasPrefix(c.Path, accessPath) &&
			!c.Time.Before(since) {
			n++
		}
	}
	return n
}

func TestAccessTokensAPI(t *testing.T) {
	t.Run("create and refresh", func(t *testing.T) {
		ns := newNamespace(t)
		artifactoryIn(t, ns, adminCreds(), v1alpha1.APIAccessTokens)
		start := time.Now()
		newToken(t, ns, "access", func(s *v1alpha1.ArtifactoryTokenSpec) {
			s.ExpiresIn = duration(6 * time.Second)
			s.Refreshable = true
		})

		first := ready(t, ns, "access")
		rec := emuToken(t, first.Status.TokenID)
		if rec.API != "access" || rec.Scope != "applied-permissions/groups:readers" {
			t.Errorf("issued by the %s API with scope %q; want the Access API with the translated scope",
				rec.API, rec.Scope)
		}
		if len(getSecret(t, ns, "access").Data[secret.KeyRefreshToken]) == 0 {
			t.Fatal("no refresh_token in the Secret")
		}

		next := waitForNewToken(t, ns, "access", first.Status.TokenID)
		if emuToken(t, next).API != "access" || accessCalls(http.MethodPost, 200, start) < 2 {
			t.Error("the token was not renewed through the Access API")
		}
		if countRefreshes(http.StatusOK) == 0 {
			t.Error("the renewal did not refresh")
		}
	})

	t.Run("revoke the replaced token", func(t *testing.T) {
		ns := newNamespace(t)
		artifactoryIn(t, ns, adminCreds(), v1alpha1.APIAccessTokens)
		newToken(t, ns, "long", func(s *v1alpha1.ArtifactoryTokenSpec) {
			s.Revocation.GracePeriod = duration(time.Second) // 1h: revocable by force_revocable

		})
		first := ready(t, ns, "long").Status.TokenID

		editToken(t, ns, "long", func(s *v1alpha1.ArtifactoryTokenSpec) { s.Scope = "" })
		waitForNewToken(t, ns, "long", first)
		eventually(t, 10*time.Second, "the replaced token revoked", func() (bool, string) {
			return revoked(t, first), fmt.Sprintf("still live; pending %+v",
				getToken(t, ns, "long").Status.PendingRevocations)
		})
	})

	// Tokens are asked for with force_revocable, so the emulator would revoke
	// them all: the server's refusals are played by faults.
	refusals := []struct{ name, body string }{
		{"not revocable", `{"code":"BAD_REQUEST","message":"Token not revocable","detail":"too short"}`},
		{"unknown to the server", `{"errors":[{"code":"NOT_FOUND","message":"Token not found"}]}`},
	}
	for _, rf := range refusals {
		t.Run("a token "+rf.name+" is left to expire", func(t *testing.T) {
			ns := newNamespace(t)
			artifactoryIn(t, ns, adminCreds(), v1alpha1.APIAccessTokens)
			newToken(t, ns, "brief", func(s *v1alpha1.ArtifactoryTokenSpec) {
				s.Revocation.GracePeriod = duration(time.Second)
			})
			first := ready(t, ns, "brief").Status.TokenID

			status := http.StatusBadRequest
			if strings.Contains(rf.body, "NOT_FOUND") {
				status = http.StatusNotFound
			}
			emu.InjectFault(emulator.Fault{Method: http.MethodDelete, PathPrefix: accessPath,
				Status: status, Body: rf.body})
			t.Cleanup(emu.ClearFaults)

			editToken(t, ns, "brief", func(s *v1alpha1.ArtifactoryTokenSpec) { s.Scope = "" })
			waitForNewToken(t, ns, "brief", first)
			waitForEvent(t, ns, "brief", v1alpha1.EventNotRevocable)
			eventually(t, 5*time.Second, "the pending revocation dropped", func() (bool, string) {
				return len(getToken(t, ns, "brief").Status.PendingRevocations) == 0, "still pending"
			})
			if revoked(t, first) {
				t.Error("the fault did not stop the revocation; the test proves nothing")
			}
			for _, e := range listEvents(t, ns) {
				if e.Reason == v1alpha1.EventRevoked {
					t.Errorf("an event claims a revocation: %s", e.Note)
				}
			}
		})
	}

	t.Run("an already revoked token counts as revoked", func(t *testing.T) {
		ns := newNamespace(t)
		artifactoryIn(t, ns, adminCreds(), v1alpha1.APIAccessTokens)
		newToken(t, ns, "twice", func(s *v1alpha1.ArtifactoryTokenSpec) {
			s.ExpiresIn = duration(7 * time.Hour)
		})
		id := ready(t, ns, "twice").Status.TokenID

		revokeByHand(t, id)
		start := time.Now()
		deleteAndWaitGone(t, ns, "twice")
		if accessCalls(http.MethodDelete, http.StatusNoContent, start) != 1 {
			t.Error("the finalizer's revocation was not answered 204")
		}
		waitForEvent(t, ns, "twice", v1alpha1.EventRevoked)
	})

	t.Run("basic credentials refused", func(t *testing.T) {
		old := otherEmulatorWithoutBasic(t)
		ns := newNamespace(t)
		artifactoryAt(t, ns, adminCreds(), v1alpha1.APIAccessTokens, old, "")
		newToken(t, ns, "basic", nil)
		tok := readyIs(t, ns, "basic", metav1.ConditionFalse, v1alpha1.ReasonCredentialsRejected, 10*time.Second)
		if msg := readyCondition(tok).Message; !strings.Contains(msg, "Unsupported authentication method Basic") {
			t.Errorf("Ready message %q does not pass on Artifactory's words", msg)
		}
	})
}

// revokeByHand revokes a token behind the operator's back.
func revokeByHand(t *testing.T, id string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodDelete, emuURL+accessPath+"/"+id, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(adminUser, adminPassword)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("revoking by hand answered %d", resp.StatusCode)
	}
}

// otherEmulatorWithoutBasic serves an Access API that refuses basic
// credentials, as Artifactory does unless its administrator allowed them.
func otherEmulatorWithoutBasic(t *testing.T) string {
	t.Helper()
	e := otherEmulator(t, emulator.Config{})
	url, err := e.Start()
	if err != nil {
		t.Fatal(err)
	}
	return url
}
