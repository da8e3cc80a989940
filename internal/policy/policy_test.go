package policy

import (
	"errors"
	"path"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/artifactory-token-operator/artifactory-token-operator/api/v1alpha1"
)

// open is a policy that admits request(): team namespaces, ci-* users,
// reader groups, up to a day, non-expiring and refreshable tokens.
func open() v1alpha1.ClusterArtifactoryPolicy {
	return v1alpha1.ClusterArtifactoryPolicy{
		NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"team": "a"}},
		AllowedUsernames:  []string{"ci-*", "deploy"},
		AllowedScopes:     []string{"member-of-groups:readers", "applied-permissions/groups:*"},
		MaxExpiresIn:      &metav1.Duration{Duration: 24 * time.Hour},
		AllowNonExpiring:  true,
		AllowRefreshable:  true,
	}
}

// request is a request open() admits.
func request() Request {
	return Request{
		Namespace:       "team-a",
		NamespaceLabels: map[string]string{"team": "a", "kubernetes.io/metadata.name": "team-a"},
		Username:        "ci-reader",
		Scope:           "member-of-groups:readers",
		ExpiresIn:       time.Hour,
		Refreshable:     true,
	}
}

// clusterPolicy shortens the table rows.
type clusterPolicy = v1alpha1.ClusterArtifactoryPolicy

func maxIn(d time.Duration) *metav1.Duration { return &metav1.Duration{Duration: d} }

func TestAdmit(t *testing.T) {
	tests := []struct {
		name    string
		policy  func(p *clusterPolicy)
		request func(r *Request)
		// wantRule is "" when the request is admitted.
		wantRule string
		wantMsg  string
	}{
		{name: "open policy admits the request"},
		{
			name:     "zero policy admits nothing",
			policy:   func(p *clusterPolicy) { *p = clusterPolicy{} },
			wantRule: RuleNamespace,
			wantMsg:  `namespace "team-a" is not admitted: the policy selects no namespace`,
		},

		// Namespace.
		{
			name:     "absent selector selects no namespace",
			policy:   func(p *clusterPolicy) { p.NamespaceSelector = nil },
			wantRule: RuleNamespace,
			wantMsg:  `namespace "team-a" is not admitted: the policy selects no namespace`,
		},
		{
			name:    "empty selector selects every namespace",
			policy:  func(p *clusterPolicy) { p.NamespaceSelector = &metav1.LabelSelector{} },
			request: func(r *Request) { r.Namespace, r.NamespaceLabels = "other", nil },
		},
		{
			name: "empty but non-nil selector parts select every namespace",
			policy: func(p *clusterPolicy) {
				p.NamespaceSelector = &metav1.LabelSelector{
					MatchLabels:      map[string]string{},
					MatchExpressions: []metav1.LabelSelectorRequirement{},
				}
			},
			request: func(r *Request) { r.NamespaceLabels = map[string]string{} },
		},
		{
			name:     "labels that do not match are refused",
			request:  func(r *Request) { r.NamespaceLabels = map[string]string{"team": "b"} },
			wantRule: RuleNamespace,
			wantMsg:  `namespace "team-a" does not match namespaceSelector "team=a"`,
		},
		{
			name:     "namespace without labels is refused",
			request:  func(r *Request) { r.NamespaceLabels = nil },
			wantRule: RuleNamespace,
			wantMsg:  `namespace "team-a" does not match namespaceSelector "team=a"`,
		},
		{
			name: "matchExpressions In admits",
			policy: func(p *clusterPolicy) {
				p.NamespaceSelector = expr("env", metav1.LabelSelectorOpIn, "dev", "prod")
			},
			request: func(r *Request) { r.NamespaceLabels = map[string]string{"env": "prod"} },
		},
		{
			name: "matchExpressions NotIn refuses",
			policy: func(p *clusterPolicy) {
				p.NamespaceSelector = expr("env", metav1.LabelSelectorOpNotIn, "prod")
			},
			request:  func(r *Request) { r.NamespaceLabels = map[string]string{"env": "prod"} },
			wantRule: RuleNamespace,
			wantMsg:  `namespace "team-a" does not match namespaceSelector "env notin (prod)"`,
		},
		{
			name: "matchExpressions DoesNotExist admits a namespace without the label",
			policy: func(p *clusterPolicy) {
				p.NamespaceSelector = expr("restricted", metav1.LabelSelectorOpDoesNotExist)
			},
		},
		{
			name: "selector on the namespace name label",
			policy: func(p *clusterPolicy) {
				p.NamespaceSelector = expr("kubernetes.io/metadata.name",
					metav1.LabelSelectorOpIn, "team-a", "team-b")
			},
		},
		{
			name: "unknown operator is an invalid policy",
			policy: func(p *clusterPolicy) {
				p.NamespaceSelector = expr("env", "Matches", "prod")
			},
			wantRule: RuleInvalid,
			wantMsg: `namespaceSelector is invalid: ` +
				`"Matches" is not a valid label selector operator`,
		},
		{
			name: "In without values is an invalid policy",
			policy: func(p *clusterPolicy) {
				p.NamespaceSelector = expr("env", metav1.LabelSelectorOpIn)
			},
			wantRule: RuleInvalid,
		},
		{
			name: "malformed label key is an invalid policy",
			policy: func(p *clusterPolicy) {
				p.NamespaceSelector = &metav1.LabelSelector{
					MatchLabels: map[string]string{"not a key!": "x"},
				}
			},
			wantRule: RuleInvalid,
		},

		// Username.
		{
			name:     "username outside the patterns is refused",
			request:  func(r *Request) { r.Username = "root" },
			wantRule: RuleUsername,
			wantMsg:  `username "root" matches none of allowedUsernames [ci-* deploy]`,
		},
		{
			name:    "exact username admits",
			request: func(r *Request) { r.Username = "deploy" },
		},
		{
			name:     "patterns match the whole username",
			request:  func(r *Request) { r.Username = "deployer" },
			wantRule: RuleUsername,
		},
		{
			name:     "usernames are case-sensitive",
			request:  func(r *Request) { r.Username = "CI-reader" },
			wantRule: RuleUsername,
		},
		{
			name:     "nil allowedUsernames admits no username",
			policy:   func(p *clusterPolicy) { p.AllowedUsernames = nil },
			wantRule: RuleUsername,
			wantMsg:  `username "ci-reader" matches none of allowedUsernames []`,
		},
		{
			name:     "empty allowedUsernames admits no username",
			policy:   func(p *clusterPolicy) { p.AllowedUsernames = []string{} },
			wantRule: RuleUsername,
		},
		{
			name:     "empty username is refused",
			request:  func(r *Request) { r.Username = "" },
			wantRule: RuleUsername,
			wantMsg:  `username "" matches none of allowedUsernames [ci-* deploy]`,
		},
		{
			name:    "? and classes in username patterns",
			policy:  func(p *clusterPolicy) { p.AllowedUsernames = []string{"bot-?[0-9]"} },
			request: func(r *Request) { r.Username = "bot-x7" },
		},
		{
			name: "negated class in username patterns",
			policy: func(p *clusterPolicy) {
				p.AllowedUsernames = []string{"[^a]*"}
			},
			request:  func(r *Request) { r.Username = "admin" },
			wantRule: RuleUsername,
		},
		{
			name: "malformed username pattern is an invalid policy",
			policy: func(p *clusterPolicy) {
				p.AllowedUsernames = []string{"ci-[", "deploy"}
			},
			wantRule: RuleInvalid,
			wantMsg:  `allowedUsernames pattern "ci-[" is malformed: a '[' is never closed`,
		},
		{
			name: "malformed username pattern after a matching one is still invalid",
			policy: func(p *clusterPolicy) {
				p.AllowedUsernames = []string{"ci-*", `deploy\`}
			},
			wantRule: RuleInvalid,
			wantMsg:  `allowedUsernames pattern "deploy\\" is malformed: it ends in a lone '\'`,
		},

		// Scope.
		{
			name:    "empty scope is allowed",
			request: func(r *Request) { r.Scope = "" },
		},
		{
			name:    "empty scope is allowed with no allowedScopes",
			policy:  func(p *clusterPolicy) { p.AllowedScopes = nil },
			request: func(r *Request) { r.Scope = "" },
		},
		{
			name:    "blank scope counts as empty",
			policy:  func(p *clusterPolicy) { p.AllowedScopes = nil },
			request: func(r *Request) { r.Scope = " \t " },
		},
		{
			name:     "any scope is refused with no allowedScopes",
			policy:   func(p *clusterPolicy) { p.AllowedScopes = nil },
			wantRule: RuleScope,
			wantMsg: `scope token "member-of-groups:readers" matches none of ` +
				`allowedScopes []`,
		},
		{
			name: "every scope token must match",
			request: func(r *Request) {
				r.Scope = "member-of-groups:readers  applied-permissions/groups:ci"
			},
		},
		{
			name: "the first token that matches nothing is named",
			request: func(r *Request) {
				r.Scope = "member-of-groups:readers applied-permissions/admin"
			},
			wantRule: RuleScope,
			wantMsg: `scope token "applied-permissions/admin" matches none of allowedScopes ` +
				`[member-of-groups:readers applied-permissions/groups:*]`,
		},
		{
			name:    "star after a slash admits a group",
			request: func(r *Request) { r.Scope = "applied-permissions/groups:readers" },
		},
		{
			name:    "star admits a group name holding a slash",
			request: func(r *Request) { r.Scope = "applied-permissions/groups:team/ci" },
		},
		{
			name: "star admits a comma-separated list of groups as one token",
			request: func(r *Request) {
				r.Scope = "applied-permissions/groups:readers,writers"
			},
		},
		{
			name:     "groups pattern does not admit the user scope",
			request:  func(r *Request) { r.Scope = "applied-permissions/user" },
			wantRule: RuleScope,
		},
		{
			name: "member-of-groups star admits groups but nothing under applied-permissions",
			policy: func(p *clusterPolicy) {
				p.AllowedScopes = []string{"member-of-groups:*"}
			},
			request: func(r *Request) {
				r.Scope = "member-of-groups:ci applied-permissions/groups:ci"
			},
			wantRule: RuleScope,
			wantMsg: `scope token "applied-permissions/groups:ci" matches none of ` +
				`allowedScopes [member-of-groups:*]`,
		},
		{
			name: "member-of-groups star admits the literal every-group request",
			policy: func(p *clusterPolicy) {
				p.AllowedScopes = []string{"member-of-groups:*"}
			},
			request: func(r *Request) { r.Scope = "member-of-groups:*" },
		},
		{
			name: "escaped star admits only the literal star",
			policy: func(p *clusterPolicy) {
				p.AllowedScopes = []string{`member-of-groups:\*`}
			},
			request:  func(r *Request) { r.Scope = "member-of-groups:* member-of-groups:ci" },
			wantRule: RuleScope,
			wantMsg: `scope token "member-of-groups:ci" matches none of ` +
				`allowedScopes [member-of-groups:\*]`,
		},
		{
			name:   "a lone star admits every scope token, slashes included",
			policy: func(p *clusterPolicy) { p.AllowedScopes = []string{"*"} },
			request: func(r *Request) {
				r.Scope = "applied-permissions/admin api:* system:metrics:r"
			},
		},
		{
			name:   "a leading star crosses slashes",
			policy: func(p *clusterPolicy) { p.AllowedScopes = []string{"*:readers"} },
			request: func(r *Request) {
				r.Scope = "member-of-groups:readers applied-permissions/groups:readers"
			},
		},
		{
			name:    "question mark matches a slash",
			policy:  func(p *clusterPolicy) { p.AllowedScopes = []string{"a?b"} },
			request: func(r *Request) { r.Scope = "a/b" },
		},
		{
			name: "malformed scope pattern is an invalid policy",
			policy: func(p *clusterPolicy) {
				p.AllowedScopes = []string{"member-of-groups:[]"}
			},
			wantRule: RuleInvalid,
			wantMsg: `allowedScopes pattern "member-of-groups:[]" is malformed: ` +
				`a character class lists no character`,
		},
		{
			name: "malformed scope pattern is invalid even for a request without scope",
			policy: func(p *clusterPolicy) {
				p.AllowedScopes = []string{"api:[a-]"}
			},
			request:  func(r *Request) { r.Scope = "" },
			wantRule: RuleInvalid,
			wantMsg: `allowedScopes pattern "api:[a-]" is malformed: ` +
				`a character class holds an unescaped '-' or ']'`,
		},

		// Non-expiring.
		{
			name:     "non-expiring needs allowNonExpiring",
			policy:   func(p *clusterPolicy) { p.AllowNonExpiring = false },
			request:  func(r *Request) { r.ExpiresIn = 0 },
			wantRule: RuleNonExpiring,
			wantMsg:  `expiresIn 0s asks for a non-expiring token, but allowNonExpiring is false`,
		},
		{
			name:    "allowed non-expiring ignores maxExpiresIn",
			policy:  func(p *clusterPolicy) { p.MaxExpiresIn = maxIn(time.Minute) },
			request: func(r *Request) { r.ExpiresIn = 0 },
		},
		{
			name:    "allowed non-expiring ignores a zero maxExpiresIn",
			policy:  func(p *clusterPolicy) { p.MaxExpiresIn = maxIn(0) },
			request: func(r *Request) { r.ExpiresIn = 0 },
		},
		{
			name:    "allowed non-expiring ignores a negative maxExpiresIn",
			policy:  func(p *clusterPolicy) { p.MaxExpiresIn = maxIn(-time.Second) },
			request: func(r *Request) { r.ExpiresIn = 0 },
		},
		{
			name:    "expiring token needs no allowNonExpiring",
			policy:  func(p *clusterPolicy) { p.AllowNonExpiring = false },
			request: func(r *Request) { r.ExpiresIn = time.Second },
		},

		// ExpiresIn.
		{
			name:     "longer than maxExpiresIn is refused",
			request:  func(r *Request) { r.ExpiresIn = 25 * time.Hour },
			wantRule: RuleExpiresIn,
			wantMsg:  `expiresIn 25h0m0s is longer than maxExpiresIn 24h0m0s`,
		},
		{
			name:    "exactly maxExpiresIn is admitted",
			request: func(r *Request) { r.ExpiresIn = 24 * time.Hour },
		},
		{
			name:     "one second over maxExpiresIn is refused",
			request:  func(r *Request) { r.ExpiresIn = 24*time.Hour + time.Second },
			wantRule: RuleExpiresIn,
		},
		{
			name:    "without maxExpiresIn any lifetime is admitted",
			policy:  func(p *clusterPolicy) { p.MaxExpiresIn = nil },
			request: func(r *Request) { r.ExpiresIn = 10 * 365 * 24 * time.Hour },
		},
		{
			name:     "zero maxExpiresIn refuses every expiring token",
			policy:   func(p *clusterPolicy) { p.MaxExpiresIn = maxIn(0) },
			request:  func(r *Request) { r.ExpiresIn = time.Second },
			wantRule: RuleExpiresIn,
			wantMsg:  `expiresIn 1s is longer than maxExpiresIn 0s`,
		},
		{
			name:     "negative expiresIn is refused",
			policy:   func(p *clusterPolicy) { p.MaxExpiresIn = nil },
			request:  func(r *Request) { r.ExpiresIn = -time.Minute },
			wantRule: RuleExpiresIn,
			wantMsg:  `expiresIn -1m0s is negative`,
		},
		{
			name:     "negative maxExpiresIn is an invalid policy",
			policy:   func(p *clusterPolicy) { p.MaxExpiresIn = maxIn(-time.Hour) },
			wantRule: RuleInvalid,
			wantMsg:  `maxExpiresIn -1h0m0s is negative`,
		},

		// Refreshable.
		{
			name:     "refreshable needs allowRefreshable",
			policy:   func(p *clusterPolicy) { p.AllowRefreshable = false },
			wantRule: RuleRefreshable,
			wantMsg:  `refreshable asks for a refresh token, but allowRefreshable is false`,
		},
		{
			name:    "not refreshable needs no allowRefreshable",
			policy:  func(p *clusterPolicy) { p.AllowRefreshable = false },
			request: func(r *Request) { r.Refreshable = false },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, req := open(), request()
			if tt.policy != nil {
				tt.policy(&p)
			}
			if tt.request != nil {
				tt.request(&req)
			}

			got := Admit(p, req)
			if tt.wantRule == "" {
				if got != nil {
					t.Fatalf("Admit() = %+v, want admitted", *got)
				}
				return
			}
			if got == nil {
				t.Fatalf("Admit() admitted, want %s", tt.wantRule)
			}
			if got.Rule != tt.wantRule {
				t.Errorf("Admit().Rule = %s, want %s (message %q)",
					got.Rule, tt.wantRule, got.Message)
			}
			if tt.wantMsg != "" && got.Message != tt.wantMsg {
				t.Errorf("Admit().Message = %q, want %q", got.Message, tt.wantMsg)
			}
		})
	}
}

func expr(key string, op metav1.LabelSelectorOperator, values ...string) *metav1.LabelSelector {
	return &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
		{Key: key, Operator: op, Values: values},
	}}
}

// TestAdmitOrder starts from a request every rule refuses under the zero
// policy, then lifts one rule at a time: each step must report the next
// rule in order, and the last must admit.
func TestAdmitOrder(t *testing.T) {
	p := v1alpha1.ClusterArtifactoryPolicy{MaxExpiresIn: maxIn(time.Minute)}
	req := Request{
		Namespace:   "team-a",
		Username:    "root",
		Scope:       "applied-permissions/admin",
		ExpiresIn:   0,
		Refreshable: true,
	}
	steps := []struct {
		want string
		lift func()
	}{
		{RuleNamespace, func() { p.NamespaceSelector = &metav1.LabelSelector{} }},
		{RuleUsername, func() { p.AllowedUsernames = []string{"root"} }},
		{RuleScope, func() { p.AllowedScopes = []string{"applied-permissions/*"} }},
		{RuleNonExpiring, func() { req.ExpiresIn = time.Hour }},
		{RuleExpiresIn, func() { p.MaxExpiresIn = nil }},
		{RuleRefreshable, func() { p.AllowRefreshable = true }},
		{"", nil},
	}
	for i, s := range steps {
		got := Admit(p, req)
		switch {
		case s.want == "" && got != nil:
			t.Fatalf("step %d: Admit() = %+v, want admitted", i, *got)
		case s.want != "" && got == nil:
			t.Fatalf("step %d: Admit() admitted, want %s", i, s.want)
		case s.want != "" && got.Rule != s.want:
			t.Fatalf("step %d: Admit().Rule = %s, want %s", i, got.Rule, s.want)
		}
		if s.lift != nil {
			s.lift()
		}
	}
}

// TestAdmitInvalidOrder: a malformed part of the policy is reported at the
// rule that reads it, so an earlier rule that refuses wins.
func TestAdmitInvalidOrder(t *testing.T) {
	p := open()
	p.AllowedScopes = []string{"["}
	req := request()
	req.Username = "root"

	if got := Admit(p, req); got == nil || got.Rule != RuleUsername {
		t.Fatalf("Admit() = %+v, want %s", got, RuleUsername)
	}
	req.Username = "ci-x"
	if got := Admit(p, req); got == nil || got.Rule != RuleInvalid {
		t.Fatalf("Admit() = %+v, want %s", got, RuleInvalid)
	}
}

// TestAdmitLongPolicy: a policy at its API limits still gives a message
// that fits a condition.
func TestAdmitLongPolicy(t *testing.T) {
	p := open()
	p.AllowedScopes = nil
	for range 64 {
		p.AllowedScopes = append(p.AllowedScopes, "x:"+strings.Repeat("é", 249))
	}
	req := request()
	req.Scope = "y:" + strings.Repeat("é", 300)

	got := Admit(p, req)
	if got == nil || got.Rule != RuleScope {
		t.Fatalf("Admit() = %+v, want %s", got, RuleScope)
	}
	if n := len(got.Message); n > 2*(maxQuoted+maxListed) {
		t.Errorf("len(Message) = %d, want at most %d", n, 2*(maxQuoted+maxListed))
	}
	if !strings.Contains(got.Message, " ... and 62 more]") {
		t.Errorf("Message = %q, want the patterns left out counted", got.Message)
	}
	if !strings.Contains(got.Message, `é..."`) {
		t.Errorf("Message = %q, want the scope token clipped on a character", got.Message)
	}
}

func TestClip(t *testing.T) {
	tests := []struct {
		s    string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"abcdefghijk", 10, "abcdefg..."},
		{"ééééé", 8, "éé..."}, // 10 bytes; the cut at 5 would split an é
	}
	for _, tt := range tests {
		if got := clip(tt.s, tt.n); got != tt.want {
			t.Errorf("clip(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.want)
		}
	}
}

func TestGlob(t *testing.T) {
	tests := []struct {
		pattern string
		s       string
		want    bool
		wantErr error
	}{
		// Literals and the empty cases.
		{pattern: "", s: "", want: true},
		{pattern: "", s: "a"},
		{pattern: "abc", s: "abc", want: true},
		{pattern: "abc", s: "abcd"},
		{pattern: "abc", s: "ab"},
		{pattern: "a]b-c^", s: "a]b-c^", want: true},
		{pattern: "ü", s: "ü", want: true},

		// Stars.
		{pattern: "*", s: "", want: true},
		{pattern: "*", s: "a/b/c", want: true},
		{pattern: "**", s: "abc", want: true},
		{pattern: "a*", s: "a", want: true},
		{pattern: "*c", s: "abc", want: true},
		{pattern: "*c", s: "abcd"},
		{pattern: "a*b*c", s: "a-b-b-c", want: true},
		{pattern: "a*b*c", s: "acb"},
		{pattern: "*a*a*a", s: "aaaa", want: true},
		{pattern: "*ab", s: "aab", want: true},
		{pattern: "*x", s: strings.Repeat("a", 400)},
		{pattern: strings.Repeat("*a", 20) + "*b", s: strings.Repeat("a", 500)},
		{pattern: "*/groups:*", s: "applied-permissions/groups:a/b", want: true},
		{pattern: "applied-permissions/*", s: "applied-permissions/groups:readers", want: true},
		{pattern: "applied-permissions/*", s: "applied-permissions"},

		// Question marks take one character, '/' and multibyte ones included.
		{pattern: "?", s: "/", want: true},
		{pattern: "?", s: "é", want: true},
		{pattern: "??", s: "é"},
		{pattern: "*??", s: "€"},
		{pattern: "a?c", s: "ac"},

		// Classes.
		{pattern: "[abc]", s: "b", want: true},
		{pattern: "[abc]", s: "d"},
		{pattern: "[a-c]x", s: "cx", want: true},
		{pattern: "[^a-c]", s: "d", want: true},
		{pattern: "[^a-c]", s: "b"},
		{pattern: "[^a]", s: "/", want: true},
		{pattern: "[/]", s: "/", want: true},
		{pattern: "[*?[]", s: "[", want: true},
		{pattern: `[\]]`, s: "]", want: true},
		{pattern: `[\-]`, s: "-", want: true},
		{pattern: `[a\-z]`, s: "b"},
		{pattern: "[α-ω]", s: "λ", want: true},
		{pattern: "[^α-ω]", s: "λ"},
		{pattern: "[z-a]", s: "m"}, // a reversed range is allowed and admits nothing
		{pattern: "[!a]", s: "!", want: true},
		{pattern: "[a]", s: ""},

		// Escapes.
		{pattern: `\*`, s: "*", want: true},
		{pattern: `\*`, s: "x"},
		{pattern: `\?`, s: "x"},
		{pattern: `\[a]`, s: "[a]", want: true},
		{pattern: `\a`, s: "a", want: true},
		{pattern: `\é`, s: "é", want: true},

		// Malformed patterns, whatever the name.
		{pattern: `\`, s: "", wantErr: errTrailingEscape},
		{pattern: `abc\`, s: "abc", wantErr: errTrailingEscape},
		{pattern: "[", s: "[", wantErr: errOpenClass},
		{pattern: "[a", s: "a", wantErr: errOpenClass},
		{pattern: "[a-", s: "a", wantErr: errOpenClass},
		{pattern: `[\`, s: "a", wantErr: errOpenClass},
		{pattern: "*[a-b", s: "x", wantErr: errOpenClass},
		{pattern: "[]", s: "]", wantErr: errEmptyClass},
		{pattern: "[^]", s: "a", wantErr: errEmptyClass},
		{pattern: "[]a]", s: "a", wantErr: errEmptyClass},
		{pattern: "[a-]", s: "a", wantErr: errBadClassChar},
		{pattern: "[-a]", s: "a", wantErr: errBadClassChar},
		{pattern: "[a--]", s: "a", wantErr: errBadClassChar},
		{pattern: "[\xff]", s: "a", wantErr: errBadUTF8},
		{pattern: "x*[", s: "y", wantErr: errOpenClass},
	}
	for _, tt := range tests {
		g, err := compileGlob(tt.pattern)
		if !errors.Is(err, tt.wantErr) {
			t.Errorf("compileGlob(%q) error = %v, want %v", tt.pattern, err, tt.wantErr)
			continue
		}
		if err != nil {
			continue
		}
		if got := g.match(tt.s); got != tt.want {
			t.Errorf("compileGlob(%q).match(%q) = %t, want %t", tt.pattern, tt.s, got, tt.want)
		}
	}
}

// FuzzGlobLikePathMatch checks the documented promise: for ASCII patterns
// and names without '/', a glob says what path.Match says, errors included.
func FuzzGlobLikePathMatch(f *testing.F) {
	for _, seed := range [][2]string{
		{"ci-*", "ci-reader"}, {"a*b*c", "abbc"}, {"[^a-c]?", "dz"}, {`\*`, "*"},
		{"[]", "]"}, {"[a-]", "a"}, {`x\`, "x"}, {"*[", "a"}, {"[z-a]", "m"},
		{"member-of-groups:*", "member-of-groups:readers"}, {"[\\]a]", "]"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, pattern, name string) {
		if !plain(pattern) || !plain(name) {
			t.Skip()
		}

		want, wantErr := path.Match(pattern, name)
		g, err := compileGlob(pattern)
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("compileGlob(%q) error = %v, path.Match error = %v", pattern, err, wantErr)
		}
		if err != nil {
			return
		}
		if got := g.match(name); got != want {
			t.Fatalf("glob %q matching %q = %t, path.Match = %t", pattern, name, got, want)
		}
	})
}

// plain is true for ASCII without '/', where path.Match and a glob agree.
func plain(s string) bool {
	for i := range len(s) {
		if s[i] >= 0x80 || s[i] == '/' {
			return false
		}
	}
	return true
}

// BenchmarkAdmit measures a request that passes every rule of a policy of
// realistic size, which is the most work Admit does.
func BenchmarkAdmit(b *testing.B) {
	p := open()
	p.NamespaceSelector = expr("team", metav1.LabelSelectorOpIn, "a", "b", "c")
	p.AllowedUsernames = []string{"svc-*", "bot-[0-9]*", "deploy", "ci-*"}
	p.AllowedScopes = []string{
		"member-of-groups:readers", "member-of-groups:writers",
		"applied-permissions/groups:team-?-*", "system:metrics:r", "api:*",
	}
	req := request()
	req.Scope = "member-of-groups:writers applied-permissions/groups:team-a-ci api:*"

	b.ReportAllocs()
	for b.Loop() {
		if r := Admit(p, req); r != nil {
			b.Fatalf("Admit() = %+v", *r)
		}
	}
}
