package policy

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/artifactory-token-operator/artifactory-token-operator/api/v1alpha1"
)

// Request is what a token asks a ClusterArtifactory for.
type Request struct {
	// Namespace is the ArtifactoryToken's namespace, and NamespaceLabels
	// that namespace's labels, which namespaceSelector is matched against.
	Namespace       string
	NamespaceLabels map[string]string

	// Username is the Artifactory user the token is for.
	Username string

	// Scope holds space-separated scope tokens.
	Scope string

	// ExpiresIn is the lifetime asked for; 0 asks for a non-expiring token.
	ExpiresIn time.Duration

	// Refreshable asks for a refresh token.
	Refreshable bool
}

// Refusal names the rule that refused a request, for a status reason and
// message.
type Refusal struct {
	// Rule is one of the Rule constants.
	Rule string

	// Message says what was asked and what the policy allows.
	Message string
}

// Rules a Refusal names. Each is a CamelCase reason fit for a condition.
const (
	// RuleNamespace: namespaceSelector does not select the token's namespace.
	RuleNamespace = "NamespaceNotAllowed"

	// RuleUsername: the username matches none of allowedUsernames.
	RuleUsername = "UsernameNotAllowed"

	// RuleScope: a scope token matches none of allowedScopes.
	RuleScope = "ScopeNotAllowed"

	// RuleExpiresIn: expiresIn is longer than maxExpiresIn, or negative.
	RuleExpiresIn = "ExpiresInTooLong"

	// RuleNonExpiring: a non-expiring token without allowNonExpiring.
	RuleNonExpiring = "NonExpiringNotAllowed"

	// RuleRefreshable: a refreshable token without allowRefreshable.
	RuleRefreshable = "RefreshableNotAllowed"

	// RuleInvalid: the policy itself cannot be read, such as a malformed
	// selector or glob pattern.
	RuleInvalid = "InvalidPolicy"
)

// maxQuoted bounds how much of one value a message quotes, and
// maxListed how much of a pattern list it shows, so that a message stays
// well inside a condition's 32768 characters whatever the policy holds.
const (
	maxQuoted = 512
	maxListed = 1024
)

// check is one rule: it returns nil when the rule admits the request.
type check func(p v1alpha1.ClusterArtifactoryPolicy, req Request) *Refusal

// checks are the rules in the order Admit applies them.
var checks = []check{
	checkNamespace,
	checkUsername,
	checkScope,
	checkNonExpiring,
	checkExpiresIn,
	checkRefreshable,
}

// Admit returns nil when the policy admits the request, else the first rule
// that refuses it, checked in this order: namespace, username, scope,
// non-expiring, expiresIn, refreshable. The zero policy admits nothing.
func Admit(p v1alpha1.ClusterArtifactoryPolicy, req Request) *Refusal {
	for _, c := range checks {
		if r := c(p, req); r != nil {
			return r
		}
	}
	return nil
}

func checkNamespace(p v1alpha1.ClusterArtifactoryPolicy, req Request) *Refusal {
	// An absent selector is the safe default: no namespace at all.
	if p.NamespaceSelector == nil {
		return refuse(RuleNamespace,
			"namespace %s is not admitted: the policy selects no namespace", quote(req.Namespace))
	}

	sel, err := metav1.LabelSelectorAsSelector(p.NamespaceSelector)
	if err != nil {
		return refuse(RuleInvalid, "namespaceSelector is invalid: %s",
			clip(err.Error(), maxQuoted))
	}
	if !sel.Matches(labels.Set(req.NamespaceLabels)) {
		return refuse(RuleNamespace, "namespace %s does not match namespaceSelector %s",
			quote(req.Namespace), quote(sel.String()))
	}
	return nil
}

func checkUsername(p v1alpha1.ClusterArtifactoryPolicy, req Request) *Refusal {
	globs, r := compileAll("allowedUsernames", p.AllowedUsernames)
	if r != nil {
		return r
	}

	if !anyMatch(globs, req.Username) {
		return refuse(RuleUsername, "username %s matches none of allowedUsernames %s",
			quote(req.Username), list(p.AllowedUsernames))
	}
	return nil
}

func checkScope(p v1alpha1.ClusterArtifactoryPolicy, req Request) *Refusal {
	// Patterns are read even for a request without scope: see the package
	// documentation.
	globs, r := compileAll("allowedScopes", p.AllowedScopes)
	if r != nil {
		return r
	}

	for _, tok := range strings.Fields(req.Scope) {
		if !anyMatch(globs, tok) {
			return refuse(RuleScope, "scope token %s matches none of allowedScopes %s",
				quote(tok), list(p.AllowedScopes))
		}
	}
	return nil
}

func checkNonExpiring(p v1alpha1.ClusterArtifactoryPolicy, req Request) *Refusal {
	if req.ExpiresIn == 0 && !p.AllowNonExpiring {
		return refuse(RuleNonExpiring,
			"expiresIn 0s asks for a non-expiring token, but allowNonExpiring is false")
	}
	return nil
}

func checkExpiresIn(p v1alpha1.ClusterArtifactoryPolicy, req Request) *Refusal {
	// A non-expiring token got past checkNonExpiring, so allowNonExpiring
	// admits it whatever maxExpiresIn says.
	if req.ExpiresIn == 0 {
		return nil
	}

	// The API refuses a negative expiresIn; a caller that skipped it gets
	// no token either.
	if req.ExpiresIn < 0 {
		return refuse(RuleExpiresIn, "expiresIn %s is negative", req.ExpiresIn)
	}

	// Without maxExpiresIn, any lifetime is admitted.
	if p.MaxExpiresIn == nil {
		return nil
	}

	limit := p.MaxExpiresIn.Duration
	if limit < 0 {
		return refuse(RuleInvalid, "maxExpiresIn %s is negative", limit)
	}
	if req.ExpiresIn > limit {
		return refuse(RuleExpiresIn, "expiresIn %s is longer than maxExpiresIn %s",
			req.ExpiresIn, limit)
	}
	return nil
}

func checkRefreshable(p v1alpha1.ClusterArtifactoryPolicy, req Request) *Refusal {
	if req.Refreshable && !p.AllowRefreshable {
		return refuse(RuleRefreshable,
			"refreshable asks for a refresh token, but allowRefreshable is false")
	}
	return nil
}

func refuse(rule, format string, args ...any) *Refusal {
	return &Refusal{Rule: rule, Message: fmt.Sprintf(format, args...)}
}

// compileAll compiles every pattern of the list field, or refuses with
// RuleInvalid naming the first malformed one.
func compileAll(field string, patterns []string) ([]glob, *Refusal) {
	globs := make([]glob, 0, len(patterns))
	for _, pat := range patterns {
		g, err := compileGlob(pat)
		if err != nil {
			return nil, refuse(RuleInvalid, "%s pattern %s is malformed: %v",
				field, quote(pat), err)
		}
		globs = append(globs, g)
	}
	return globs, nil
}

func anyMatch(globs []glob, s string) bool {
	for _, g := range globs {
		if g.match(s) {
			return true
		}
	}
	return false
}

// quote quotes s for a message, shortened to maxQuoted bytes.
func quote(s string) string {
	return fmt.Sprintf("%q", clip(s, maxQuoted))
}

// list renders patterns as [a b c], the way the policy's author wrote them,
// leaving out the patterns past maxListed bytes with a count of them.
func list(patterns []string) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, pat := range patterns {
		if i > 0 {
			b.WriteByte(' ')
		}
		if b.Len()+len(pat) > maxListed {
			fmt.Fprintf(&b, "... and %d more", len(patterns)-i)
			break
		}
		b.WriteString(pat)
	}
	b.WriteByte(']')
	return b.String()
}

// clip shortens s to at most n bytes, cut on a character boundary and
// marked with "...".
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}

	cut := n - len("...")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

// Errors a malformed pattern gives.
var (
	errTrailingEscape = errors.New(`it ends in a lone '\'`)
	errOpenClass      = errors.New("a '[' is never closed")
	errEmptyClass     = errors.New("a character class lists no character")
	errBadClassChar   = errors.New(`a character class holds an unescaped '-' or ']'`)
	errBadUTF8        = errors.New("a character class holds invalid UTF-8")
)

// elemKind says what one element of a glob matches.
type elemKind uint8

const (
	elemLiteral elemKind = iota // the bytes of lit
	elemAny                     // any one character
	elemStar                    // any run of characters
	elemClass                   // one character in (or, negated, not in) ranges
)

// runeRange is lo-hi inclusive; a single character has lo == hi.
type runeRange struct{ lo, hi rune }

type elem struct {
	kind    elemKind
	lit     string
	negated bool
	ranges  []runeRange
}

// glob is a compiled pattern, with the syntax the package documentation
// gives. Consecutive stars are folded into one, and consecutive literal
// characters into one literal.
type glob []elem

// compileGlob parses pattern, reporting a malformed one whatever it would
// have been matched against.
func compileGlob(pattern string) (glob, error) {
	var g glob
	// addLit adds pattern[from:to] as a literal, extending the previous
	// literal when that one ends at from.
	litEnd := -1
	addLit := func(from, to int) {
		if n := len(g); n > 0 && g[n-1].kind == elemLiteral && litEnd == from {
			last := &g[n-1]
			last.lit = pattern[from-len(last.lit) : to]
		} else {
			g = append(g, elem{kind: elemLiteral, lit: pattern[from:to]})
		}
		litEnd = to
	}
	for i := 0; i < len(pattern); {
		switch pattern[i] {
		case '*':
			if len(g) == 0 || g[len(g)-1].kind != elemStar {
				g = append(g, elem{kind: elemStar})
			}
			i++

		case '?':
			g = append(g, elem{kind: elemAny})
			i++

		case '[':
			e, n, err := compileClass(pattern[i+1:])
			if err != nil {
				return nil, err
			}
			g = append(g, e)
			i += 1 + n

		case '\\':
			if i+1 == len(pattern) {
				return nil, errTrailingEscape
			}
			_, w := utf8.DecodeRuneInString(pattern[i+1:])
			addLit(i+1, i+1+w)
			i += 1 + w

		default:
			_, w := utf8.DecodeRuneInString(pattern[i:])
			addLit(i, i+w)
			i += w
		}
	}
	return g, nil
}

// compileClass parses a character class from just after its '[', and
// returns it with the number of bytes it took, the closing ']' included.
func compileClass(s string) (elem, int, error) {
	e := elem{kind: elemClass}
	i := 0
	if i < len(s) && s[i] == '^' {
		e.negated = true
		i++
	}
	for {
		if i < len(s) && s[i] == ']' {
			if len(e.ranges) == 0 {
				return elem{}, 0, errEmptyClass
			}
			return e, i + 1, nil
		}

		lo, n, err := classChar(s[i:])
		if err != nil {
			return elem{}, 0, err
		}
		i += n
		hi := lo
		if i < len(s) && s[i] == '-' {
			hi, n, err = classChar(s[i+1:])
			if err != nil {
				return elem{}, 0, err
			}
			i += 1 + n
		}
		e.ranges = append(e.ranges, runeRange{lo, hi})
	}
}

// classChar reads one possibly escaped character of a class, and the
// number of bytes it took.
func classChar(s string) (rune, int, error) {
	switch {
	case s == "":
		return 0, 0, errOpenClass
	case s[0] == ']' || s[0] == '-':
		return 0, 0, errBadClassChar
	}

	esc := 0
	if s[0] == '\\' {
		esc = 1
		if len(s) == 1 {
			return 0, 0, errOpenClass
		}
	}
	r, w := utf8.DecodeRuneInString(s[esc:])
	if r == utf8.RuneError && w == 1 {
		return 0, 0, errBadUTF8
	}
	return r, esc + w, nil
}

// match reports whether g matches the whole of s. A star first takes
// nothing; when the rest fails, the latest star takes one more character
// and the rest is tried again. Going back to the latest star alone
// suffices, because every other element matches a fixed length: where an
// earlier star's successors matched first is never worse than later.
func (g glob) match(s string) bool {
	gi, si := 0, 0
	starG, starS := -1, 0
	for si < len(s) {
		if gi < len(g) && g[gi].kind == elemStar {
			gi++
			starG, starS = gi, si
			continue
		}
		if gi < len(g) {
			if n, ok := g[gi].take(s[si:]); ok {
				gi++
				si += n
				continue
			}
		}

		// Nothing matched here: give the latest star one more character.
		if starG < 0 {
			return false
		}
		_, w := utf8.DecodeRuneInString(s[starS:])
		starS += w
		gi, si = starG, starS
	}
	for gi < len(g) && g[gi].kind == elemStar {
		gi++
	}
	return gi == len(g)
}

// take reports whether the element, which is not a star, matches the start
// of s, and how many bytes it matched.
func (e elem) take(s string) (int, bool) {
	if e.kind == elemLiteral {
		return len(e.lit), strings.HasPrefix(s, e.lit)
	}

	r, w := utf8.DecodeRuneInString(s)
	if e.kind == elemAny {
		return w, true
	}
	in := false
	for _, rr := range e.ranges {
		if rr.lo <= r && r <= rr.hi {
			in = true
			break
		}
	}
	return w, in != e.negated
}
