package emulator

import (
	"net/http"
	"slices"
	"strings"
)

// Scope tokens of the Access API.
const (
	scopeAppliedUser   = "applied-permissions/user"
	scopeAppliedAdmin  = "applied-permissions/admin"
	scopeAppliedGroups = "applied-permissions/groups:"
	scopeAppliedRoles  = "applied-permissions/roles:"
)

// appliedGroups returns the groups one applied-permissions/groups scope
// token names.
func appliedGroups(token string) ([]string, bool) {
	list, ok := strings.CutPrefix(token, scopeAppliedGroups)
	if !ok {
		return nil, false
	}
	return strings.Split(list, ","), true
}

// countAppliedGroups counts the applied-permissions/groups scope tokens.
func countAppliedGroups(scope []string) int {
	n := 0
	for _, token := range scope {
		if _, ok := appliedGroups(token); ok {
			n++
		}
	}
	return n
}

// accessPrincipal is the caller an Access token stands for.
// applied-permissions/admin makes an admin; applied-permissions/user acts
// with the user's own rights and groups; applied-permissions/groups with
// the groups it names. A token whose groups are split over several scope
// tokens is refused on use, as Access does: it wants them all in one.
func accessPrincipal(id, username string, scope []string, u User,
	known bool) (*principal, bool) {
	if countAppliedGroups(scope) > 1 {
		return nil, false
	}

	p := &principal{name: username, tokenID: id}
	for _, token := range scope {
		if groups, ok := appliedGroups(token); ok {
			p.groups = append(p.groups, groups...)
		}
		switch token {
		case scopeAppliedAdmin:
			p.admin = true
		case scopeAppliedUser:
			p.admin = p.admin || (known && u.Admin)
			p.groups = append(p.groups, u.Groups...)
		}
	}
	slices.Sort(p.groups)
	p.groups = slices.Compact(p.groups)
	return p, true
}

// checkAccessScope refuses a scope the caller may not ask for, token by
// token; the first refusal is the answer.
func checkAccessScope(caller principal, scope []string) *apiError {
	for _, token := range scope {
		if err := checkAccessScopeToken(caller, token); err != nil {
			return err
		}
	}
	return nil
}

func checkAccessScopeToken(caller principal, token string) *apiError {
	if groups, ok := appliedGroups(token); ok {
		return checkAppliedGroups(caller, groups)
	}
	if roles, ok := strings.CutPrefix(token, scopeAppliedRoles); ok {
		return checkAppliedRoles(token, roles)
	}
	switch {
	case token == scopeAppliedUser:
		return nil
	case token == scopeAppliedAdmin && !caller.admin:
		return accessError(http.StatusForbidden, accessForbidden,
			"Only an admin can create tokens with the '%s' scope", token)
	case token == scopeAppliedAdmin:
		return nil
	case strings.HasPrefix(token, scopeGroupsPrefix):
		return accessError(http.StatusBadRequest, accessBadRequest,
			"Scope '%s' is not supported: the Access API takes "+
				"applied-permissions/groups:<group>,<group> instead of member-of-groups", token)
	}
	return accessError(http.StatusBadRequest, accessBadRequest,
		"Unsupported scope '%s'", token)
}

// checkAppliedGroups lets admins name any group and others only their own.
func checkAppliedGroups(caller principal, groups []string) *apiError {
	for _, g := range groups {
		if g == "" {
			return accessError(http.StatusBadRequest, accessBadRequest,
				"Scope %s has an empty group name", scopeAppliedGroups)
		}
		if !caller.admin && !slices.Contains(caller.groups, g) {
			return accessError(http.StatusForbidden, accessForbidden,
				"User '%s' is not a member of group '%s'", caller.name, g)
		}
	}
	return nil
}

// checkAppliedRoles wants <project>:<role>[,<role>...].
func checkAppliedRoles(token, roles string) *apiError {
	project, list, ok := strings.Cut(roles, ":")
	if ok && project != "" && !slices.Contains(strings.Split(list, ","), "") {
		return nil
	}
	return accessError(http.StatusBadRequest, accessBadRequest,
		"Scope '%s' must name a project and roles: %s<project>:<role>", token,
		scopeAppliedRoles)
}
