// Package policy decides, without any I/O, whether a ClusterArtifactory's
// spec.policy admits what an ArtifactoryToken asks for.
//
// The reconciler gathers the token's namespace, that namespace's labels and
// the token's username, scope, expiresIn and refreshable into a Request and
// calls Admit before Artifactory is called. Admit returns nil, or the
// Refusal of the first rule that refuses, checked in this order:
//
//  1. namespace (RuleNamespace): namespaceSelector must select the
//     namespace's labels. An absent selector selects no namespace; {}
//     selects every namespace.
//  2. username (RuleUsername): the username must match one of
//     allowedUsernames. An empty list admits no username.
//  3. scope (RuleScope): every scope token of the request, split on
//     whitespace, must match one of allowedScopes. A request without scope
//     is allowed; any scope is refused when the list is empty.
//  4. non-expiring (RuleNonExpiring): expiresIn 0 needs allowNonExpiring.
//  5. expiresIn (RuleExpiresIn): with maxExpiresIn set, an expiring token
//     may ask for at most maxExpiresIn; maxExpiresIn: 0s thus admits only
//     non-expiring tokens. A non-expiring token that allowNonExpiring
//     admits is not held to maxExpiresIn. A negative expiresIn is refused.
//  6. refreshable (RuleRefreshable): refreshable needs allowRefreshable.
//
// So the zero policy admits nothing. A policy that cannot be read, such as
// a malformed selector, a malformed pattern or a negative maxExpiresIn,
// refuses with RuleInvalid at the rule that reads it. Every pattern of a
// list is checked, even when another one already matched and even when the
// request has no scope, so a typo in the policy shows on the first request
// it meets instead of waiting for an unlucky one.
//
// # Patterns
//
// allowedUsernames and allowedScopes hold glob patterns written as for
// path.Match, with one difference: '/' is an ordinary character. Scope
// tokens such as "applied-permissions/groups:readers" hold slashes, and a
// pattern should say which tokens it admits without its reader counting
// them. The syntax:
//
//   - '*' matches any run of characters, '/' included, possibly none;
//   - '?' matches any one character, '/' included;
//   - "[abc]" matches one of the characters listed, and ranges such as
//     "[a-z]" may be listed;
//   - "[^abc]" matches one character not listed;
//   - '\' before a character matches that character itself, as in "\*"
//     or "\[".
//
// Inside brackets, '-' and ']' must be escaped unless they play their part
// in a range or close the class, and a class lists at least one
// character. Anything else is malformed, as path.Match has it. Characters
// are Unicode code points, matching is case-sensitive, and a pattern must
// match the whole username or scope token. For patterns and names without
// '/', the result is what path.Match gives, but for a quirk of path.Match:
// its '*' may stop inside a multibyte character, so it finds "*??" in "€"
// where a glob here does not.
//
// Hence "member-of-groups:*" admits "member-of-groups:readers" and
// nothing under applied-permissions, while "applied-permissions/groups:*"
// admits "applied-permissions/groups:readers" and also group names that
// hold a slash, such as "applied-permissions/groups:team/ci", which
// path.Match would refuse. "*:readers" admits both "member-of-groups:readers"
// and "applied-permissions/groups:readers", and "*" admits every scope token
// there is, "applied-permissions/admin" included, where path.Match would
// quietly admit only the tokens without a slash.
//
// NOTE: a '*' in a pattern also matches a '*' in the request, so
// "member-of-groups:*" admits the request "member-of-groups:*", which asks
// for every group the user is in, and a comma-separated list of groups is
// one token to match. To admit named groups only, list them; to admit the
// literal asterisk alone, write "member-of-groups:\*".
//
// # Messages
//
// A Refusal's Message is meant for the token's Ready condition: it says what
// was asked and what the policy allows, and holds nothing but the policy and
// the request. Long lists of patterns and long selectors are shortened.
package policy
