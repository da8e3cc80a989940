package artifactory

import (
	"strings"
	"unicode"
)

// Scope token prefixes and values, legacy and Access.
const (
	legacyGroupsPrefix = "member-of-groups:"
	accessGroupsPrefix = "applied-permissions/groups:"
	legacyAPIScope     = "api:*"
)

// AccessScope translates a scope written for the legacy token API into one
// the Access Tokens API takes. Scope tokens are separated by white space;
// a double-quoted stretch, such as a group name with a space, stays in one
// token. The mapping:
//
//   - "member-of-groups:a,b" becomes "applied-permissions/groups:a,b": one
//     scope token for all the groups, never one per group, since a token
//     minted with the groups split over several scope tokens is refused on
//     use. For the same reason several group tokens, legacy or Access, are
//     merged into one at the place of the first, their lists joined by ",".
//   - "member-of-groups:*" becomes "applied-permissions/groups:*" like any
//     other list. The legacy API reads "*" as all the user's groups; the
//     Access API documents no wildcard, so whether it grants the same is up
//     to the server, which refuses what it does not understand. Ask for
//     "applied-permissions/user" to get the user's own permissions.
//   - "api:*" is dropped: the Access API has no such scope and every token
//     it mints may use the REST API.
//   - Every other token, Access scopes included, passes through unchanged.
//
// The tokens are joined by single spaces. An empty result means no scope
// is sent, and the server grants its default, "applied-permissions/user".
// AccessScope of its own result gives that result again.
func AccessScope(scope string) string {
	var (
		out    []string
		groups []string
		first  = -1 // index in out of the merged group token
	)
	for _, tok := range scopeTokens(scope) {
		var list string
		switch {
		case tok == legacyAPIScope:
			continue
		case strings.HasPrefix(tok, legacyGroupsPrefix):
			list = strings.TrimPrefix(tok, legacyGroupsPrefix)
		case strings.HasPrefix(tok, accessGroupsPrefix):
			list = strings.TrimPrefix(tok, accessGroupsPrefix)
		default:
			out = append(out, tok)
			continue
		}

		groups = append(groups, list)
		if first < 0 {
			first = len(out)
			out = append(out, "") // filled in below, once every list is known
		}
	}
	if first >= 0 {
		out[first] = accessGroupsPrefix + strings.Join(groups, ",")
	}
	return strings.Join(out, " ")
}

// scopeTokens splits a scope at white space outside double quotes. An
// unclosed quote runs to the end.
func scopeTokens(scope string) []string {
	var (
		tokens []string
		cur    strings.Builder
		quoted bool
	)
	for _, r := range scope {
		switch {
		case r == '"':
			quoted = !quoted
			cur.WriteRune(r)
		case unicode.IsSpace(r) && !quoted:
			if cur.Len() > 0 {
				tokens = append(tokens, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteRune(r)
		}
	}
	if cur.Len() > 0 {
		tokens = append(tokens, cur.String())
	}
	return tokens
}
