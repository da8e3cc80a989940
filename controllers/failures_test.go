package controllers_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/artifactory-token-operator/artifactory-token-operator/api/v1alpha1"
	"github.com/artifactory-token-operator/artifactory-token-operator/internal/artifactory/emulator"
)

const tokenPath = "/artifactory/api/security/token"

// callsSince counts the token endpoint's answers with this status since t0.
func callsSince(t0 time.Time, status int) int {
	n := 0
	for _, c := range emu.Calls() {
		if c.Path == tokenPath && c.Status == status && !c.Time.Before(t0) {
			n++
		}
	}
	return n
}

func describeCalls(since time.Time) string {
	var b strings.Builder
	for _, c := range emu.Calls() {
		if !c.Time.Before(since) {
			fmt.Fprintf(&b, "\n  %s %s %s %d %s", c.Time.Sub(since).Round(time.Millisecond), c.Method,
				c.Path, c.Status, c.GrantType)
		}
	}
	return b.String()
}

func TestFailuresBackOffWithABoundedNumberOfCalls(t *testing.T) {
	tests := []struct {
		name   string
		creds  map[string]string
		edit   func(*v1alpha1.ArtifactoryTokenSpec)
		status int
		fault  *emulator.Fault
		reason string
	}{
		{
			name:   "bad credentials",
			creds:  map[string]string{"username": adminUser, "password": "wrong"},
			status: http.StatusUnauthorized, reason: v1alpha1.ReasonCredentialsRejected,
		},
		{
			name:   "non-admin limit",
			creds:  map[string]string{"username": ciUser, "password": ciPassword},
			edit:   func(s *v1alpha1.ArtifactoryTokenSpec) { s.ExpiresIn = duration(3 * time.Hour) },
			status: http.StatusBadRequest, reason: v1alpha1.ReasonArtifactoryRefused,
		},
		{
			name:   "unknown user without groups",
			creds:  adminCreds(),
			edit:   func(s *v1alpha1.ArtifactoryTokenSpec) { s.Username, s.Scope = "nobody", "" },
			status: http.StatusBadRequest, reason: v1alpha1.ReasonArtifactoryRefused,
		},
		{
			name:   "server errors",
			creds:  adminCreds(),
			fault:  &emulator.Fault{Method: http.MethodPost, PathPrefix: tokenPath, Status: 503},
			status: http.StatusServiceUnavailable, reason: v1alpha1.ReasonArtifactoryUnavailable,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.fault != nil {
				emu.InjectFault(*tt.fault)
				t.Cleanup(emu.ClearFaults)
			}
			ns := newNamespace(t)
			artifactoryIn(t, ns, tt.creds, v1alpha1.APILegacy)
			start := time.Now()
			newToken(t, ns, "failing", tt.edit)

			readyIs(t, ns, "failing", metav1.ConditionFalse, tt.reason, 10*time.Second)
			// Backoff of 5 s, then 10 s: within 8 s at most two attempts,
			// where a retry without backoff would make dozens.
			time.Sleep(time.Until(start.Add(8 * time.Second)))
			if n := callsSince(start, tt.status); n < 1 || n > 2 {
				t.Errorf("%d calls to Artifactory in 8s, want 1 or 2: %s", n, describeCalls(start))
			}
			if tok := getToken(t, ns, "failing"); tok.Status.FailedAttempts < 1 {
				t.Errorf("failedAttempts = %d", tok.Status.FailedAttempts)
			}
		})
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	emu.InjectFault(emulator.Fault{Method: http.MethodPost, PathPrefix: tokenPath, Status: 429,
		RetryAfter: 8 * time.Second, Times: 1})
	t.Cleanup(emu.ClearFaults)

	ns := newNamespace(t)
	artifactoryIn(t, ns, adminCreds(), v1alpha1.APILegacy)
	start := time.Now()
	newToken(t, ns, "patient", nil)

	ready(t, ns, "patient")
	var refused, issued time.Time
	for _, c := range emu.Calls() {
		if c.Path != tokenPath || c.Time.Before(start) {
			continue
		}
		switch {
		case c.Status == 429 && refused.IsZero():
			refused = c.Time
		case c.Status == 200 && !refused.IsZero() && issued.IsZero():
			issued = c.Time
		}
	}
	if refused.IsZero() || issued.IsZero() {
		t.Fatalf("expected a 429 then a success; calls: %+v", emu.Calls())
	}
	if wait := issued.Sub(refused); wait < 8*time.Second {
		t.Errorf("retried %v after a 429 with Retry-After: 8", wait)
	}
}

func TestCallsToArtifactoryTimeOut(t *testing.T) {
	ns := newNamespace(t)
	artifactoryIn(t, ns, adminCreds(), v1alpha1.APILegacy)
	serverReady(t, ns, metav1.ConditionTrue, v1alpha1.ReasonConnected)

	emu.SetLatency(7 * time.Second) // the suite's manager gives each call 5 s
	t.Cleanup(func() { emu.SetLatency(0) })
	newToken(t, ns, "slow", nil)

	tok := readyIs(t, ns, "slow", metav1.ConditionFalse, v1alpha1.ReasonArtifactoryUnavailable, 10*time.Second)
	if msg := readyCondition(tok).Message; !strings.Contains(msg, "deadline") &&
		!strings.Contains(msg, "timeout") {
		t.Errorf("Ready message %q does not say the call timed out", msg)
	}
}

// TestAFailedSecretWriteLeavesNoLiveToken makes the apiserver refuse the
// Secret, through an admission policy, after the token was minted: the
// token must not stay live with nothing recording it.
func TestAFailedSecretWriteLeavesNoLiveToken(t *testing.T) {
	denySecretWrites(t, "unwritable")

	ns := newNamespace(t)
	artifactoryIn(t, ns, adminCreds(), v1alpha1.APILegacy)
	newToken(t, ns, "unlucky", func(s *v1alpha1.ArtifactoryTokenSpec) {
		s.SecretName = "unwritable"
		s.Username = "unlucky" // a transient user: no other test mints for it
	})

	tok := readyIs(t, ns, "unlucky", metav1.ConditionFalse, v1alpha1.ReasonSecretWriteFailed,
		10*time.Second)
	if msg := readyCondition(tok).Message; !strings.Contains(msg, "writes are refused") {
		t.Errorf("Ready message %q does not carry the apiserver's refusal", msg)
	}

	minted := 0
	for _, rec := range emu.Tokens() {
		if rec.Username != "unlucky" {
			continue
		}
		minted++
		if !rec.Revoked {
			t.Errorf("token %s was minted, never written and is still live", rec.ID)
		}
	}
	if minted == 0 {
		t.Fatal("no token was minted: the write failure was never reached")
	}
}

// denySecretWrites installs a validating admission policy that refuses
// writes of Secrets with this name, and waits until it is in force.
func denySecretWrites(t *testing.T, name string) {
	t.Helper()
	ctx := context.Background()
	fail := admissionv1.Fail
	policy := &admissionv1.ValidatingAdmissionPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: "deny-" + name},
		Spec: admissionv1.ValidatingAdmissionPolicySpec{
			FailurePolicy: &fail,
			MatchConstraints: &admissionv1.MatchResources{ResourceRules: []admissionv1.NamedRuleWithOperations{{
				RuleWithOperations: admissionv1.RuleWithOperations{
					Operations: []admissionv1.OperationType{admissionv1.Create, admissionv1.Update},
					Rule: admissionv1.Rule{APIGroups: []string{""}, APIVersions: []string{"v1"},
						Resources: []string{"secrets"}},
				},
			}}},
			Validations: []admissionv1.Validation{{
				Expression: "object.metadata.name != '" + name + "'",
				Message:    "Secret writes are refused by policy",
			}},
		},
	}
	binding := &admissionv1.ValidatingAdmissionPolicyBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "deny-" + name},
		Spec: admissionv1.ValidatingAdmissionPolicyBindingSpec{
			PolicyName:        policy.Name,
			ValidationActions: []admissionv1.ValidationAction{admissionv1.Deny},
		},
	}
	if err := k8s.Create(ctx, policy); err != nil {
		t.Fatalf("creating admission policy: %v", err)
	}
	if err := k8s.Create(ctx, binding); err != nil {
		t.Fatalf("creating admission policy binding: %v", err)
	}
	t.Cleanup(func() {
		_ = k8s.Delete(ctx, binding)
		_ = k8s.Delete(ctx, policy)
	})

	probeNS := newNamespace(t)
	eventually(t, 20*time.Second, "the admission policy in force", func() (bool, string) {
		probe := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: probeNS}}
		err := k8s.Create(ctx, probe)
		if err == nil {
			_ = k8s.Delete(ctx, probe)
			return false, "Secret admitted"
		}
		return strings.Contains(err.Error(), "refused by policy"), err.Error()
	})
}

// TestALostStatusWriteLosesNoRevocation refuses, through an admission
// policy, every status write that would record a new token: the token that
// the reissue replaced must still be revoked on time, from what the Secret
// records.
func TestALostStatusWriteLosesNoRevocation(t *testing.T) {
	ns := newNamespace(t)
	artifactoryIn(t, ns, adminCreds(), v1alpha1.APILegacy)
	newToken(t, ns, "forgetful", func(s *v1alpha1.ArtifactoryTokenSpec) {
		s.Revocation.GracePeriod = duration(time.Second)
	})
	first := ready(t, ns, "forgetful").Status.TokenID

	denyStatusWrites(t, ns)
	editToken(t, ns, "forgetful", func(s *v1alpha1.ArtifactoryTokenSpec) { s.Scope = "member-of-groups:admins" })

	eventually(t, 15*time.Second, "the replaced token revoked", func() (bool, string) {
		return revoked(t, first), "still live"
	})
	if id := getToken(t, ns, "forgetful").Status.TokenID; id != first {
		t.Fatalf("status moved to token %s although its writes were refused", id)
	}
}

// denyStatusWrites refuses ArtifactoryToken status writes in ns that change
// the recorded token.
func denyStatusWrites(t *testing.T, ns string) {
	t.Helper()
	ctx := context.Background()
	fail := admissionv1.Fail
	name := "deny-status-" + ns
	policy := &admissionv1.ValidatingAdmissionPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: admissionv1.ValidatingAdmissionPolicySpec{
			FailurePolicy: &fail,
			MatchConstraints: &admissionv1.MatchResources{ResourceRules: []admissionv1.NamedRuleWithOperations{{
				RuleWithOperations: admissionv1.RuleWithOperations{
					Operations: []admissionv1.OperationType{admissionv1.Update},
					Rule: admissionv1.Rule{APIGroups: []string{v1alpha1.GroupVersion.Group},
						APIVersions: []string{"v1alpha1"}, Resources: []string{"artifactorytokens/status"}},
				},
			}}},
			Validations: []admissionv1.Validation{{
				Expression: "object.metadata.namespace != '" + ns + "' || !has(oldObject.status.tokenID) || " +
					"(has(object.status.tokenID) && object.status.tokenID == oldObject.status.tokenID)",
				Message: "status writes are refused by policy",
			}},
		},
	}
	binding := &admissionv1.ValidatingAdmissionPolicyBinding{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: admissionv1.ValidatingAdmissionPolicyBindingSpec{
			PolicyName:        name,
			ValidationActions: []admissionv1.ValidationAction{admissionv1.Deny},
		},
	}
	if err := k8s.Create(ctx, policy); err != nil {
		t.Fatalf("creating admission policy: %v", err)
	}
	if err := k8s.Create(ctx, binding); err != nil {
		t.Fatalf("creating admission policy binding: %v", err)
	}
	t.Cleanup(func() {
		_ = k8s.Delete(ctx, binding)
		_ = k8s.Delete(ctx, policy)
	})

	// In force once a status write that changes the token is refused.
	eventually(t, 20*time.Second, "the status admission policy in force", func() (bool, string) {
		tok := getToken(t, ns, "forgetful")
		probe := tok.DeepCopy()
		probe.Status.TokenID = "probe"
		err := k8s.Status().Update(ctx, probe)
		if err == nil {
			restore := getToken(t, ns, "forgetful")
			restore.Status.TokenID = tok.Status.TokenID
			_ = k8s.Status().Update(ctx, restore)
			return false, "status write admitted"
		}
		return strings.Contains(err.Error(), "refused by policy"), err.Error()
	})
}
