package emulator

import (
	"slices"
	"strings"
)

// Scope tokens of the legacy API.
const (
	scopeAPI          = "api:*"
	scopeGroupsPrefix = "member-of-groups:"
	scopeAllGroups    = "*"
	adminScopeSuffix  = ":admin"
)

// Service types in service ids: Artifactory's, and that of Access, the
// platform service behind /access. The emulator gives both the same id.
const (
	artifactoryPrefix   = "jfrt@"
	accessServicePrefix = "jfac@"
)

// serviceName is this Artifactory's service id, such as "jfrt@<id>".
func (s *Server) serviceName() string {
	return artifactoryPrefix + s.serviceID
}

// issuerOf is the iss claim of tokens the API issues: the legacy endpoint
// signs as Artifactory, the Access API as Access.
func (s *Server) issuerOf(api string) string {
	if api == APIAccess {
		return accessServicePrefix + s.serviceID
	}
	return s.serviceName()
}

// subjectFor is the sub claim of a legacy token issued for the user.
func (s *Server) subjectFor(username string) string {
	return s.subjectOf(APILegacy, username)
}

// subjectOf is the sub claim of a token the API issues for the user.
func (s *Server) subjectOf(api, username string) string {
	return s.issuerOf(api) + "/users/" + username
}

// usernameFromSubject reverses subjectOf, for either API.
func (s *Server) usernameFromSubject(sub string) (string, bool) {
	for _, api := range []string{APILegacy, APIAccess} {
		if name, ok := strings.CutPrefix(sub, s.issuerOf(api)+"/users/"); ok && name != "" {
			return name, true
		}
	}
	return "", false
}

// groupsInScope returns the groups one member-of-groups scope token names.
func groupsInScope(token string) ([]string, bool) {
	list, ok := strings.CutPrefix(token, scopeGroupsPrefix)
	if !ok {
		return nil, false
	}
	return strings.Split(list, ","), true
}

// hasGroupsScope tells whether any scope token is a member-of-groups one.
func hasGroupsScope(scope []string) bool {
	return slices.ContainsFunc(scope, func(token string) bool {
		_, ok := groupsInScope(token)
		return ok
	})
}

// scopeGroups is the groups a token acts with: those its member-of-groups
// scopes name ("*" meaning the user's own), or all the user's groups when
// its scope names none.
func scopeGroups(scope []string, userGroups []string) []string {
	if !hasGroupsScope(scope) {
		return slices.Clone(userGroups)
	}
	var groups []string
	for _, token := range scope {
		named, _ := groupsInScope(token)
		for _, g := range named {
			if g == scopeAllGroups {
				groups = append(groups, userGroups...)
				continue
			}
			groups = append(groups, g)
		}
	}
	slices.Sort(groups)
	return slices.Compact(groups)
}

// isAdminScopeToken tells whether the token has the jfrt@<id>:admin shape.
func isAdminScopeToken(token string) bool {
	return strings.HasPrefix(token, artifactoryPrefix) && strings.HasSuffix(token, adminScopeSuffix)
}

// grantsAdminHere tells whether an admin scope token covers this
// Artifactory: its own service id or the jfrt@* wildcard.
func (s *Server) grantsAdminHere(token string) bool {
	id := strings.TrimSuffix(strings.TrimPrefix(token, artifactoryPrefix), adminScopeSuffix)
	return isAdminScopeToken(token) && (id == s.serviceID || id == "*")
}

func (s *Server) hasAdminScope(scope []string) bool {
	return slices.ContainsFunc(scope, s.grantsAdminHere)
}

// audienceAccepts tells whether a token with this audience may be used on
// this Artifactory: an entry must name it, with "*" standing for any
// service type or any id.
func (s *Server) audienceAccepts(audience []string) bool {
	return s.audienceNames(audience, "jfrt")
}

// audienceNames tells whether an audience entry names one of the service
// types on this emulator's id, "*" standing for any type or any id.
func (s *Server) audienceNames(audience []string, services ...string) bool {
	return slices.ContainsFunc(audience, func(aud string) bool {
		service, id, ok := strings.Cut(aud, "@")
		return ok && (service == "*" || slices.Contains(services, service)) &&
			(id == s.serviceID || id == "*")
	})
}

// grantedScope is the scope answered to the client: the requested tokens
// in order without repeats, with api:* added when missing.
func grantedScope(requested []string) string {
	out := dedupe(requested)
	if !slices.Contains(out, scopeAPI) {
		out = append(out, scopeAPI)
	}
	return strings.Join(out, " ")
}

// dedupe returns the tokens in order without repeats.
func dedupe(tokens []string) []string {
	var out []string
	for _, token := range tokens {
		if !slices.Contains(out, token) {
			out = append(out, token)
		}
	}
	return out
}

// checkScope refuses a scope the caller may not ask for.
func (s *Server) checkScope(caller principal, scope []string) *apiError {
	for _, token := range scope {
		if err := s.checkScopeToken(caller, token); err != nil {
			return err
		}
	}
	return nil
}

func (s *Server) checkScopeToken(caller principal, token string) *apiError {
	if token == scopeAPI {
		return nil
	}
	if groups, ok := groupsInScope(token); ok {
		return checkGroups(caller, groups)
	}
	if isAdminScopeToken(token) {
		return s.checkAdminScope(caller, token)
	}
	return invalidRequest("Unsupported scope token '%s'", token)
}

// checkGroups lets admins name any group and others only their own.
func checkGroups(caller principal, groups []string) *apiError {
	for _, g := range groups {
		if g == "" {
			return invalidRequest("member-of-groups scope has an empty group name")
		}
		// Admins may put a token in any group; "*" is always the caller's own.
		if caller.admin || g == scopeAllGroups {
			continue
		}
		if !slices.Contains(caller.groups, g) {
			return accessDenied("User '%s' is not a member of group '%s'", caller.name, g)
		}
	}
	return nil
}

func (s *Server) checkAdminScope(caller principal, token string) *apiError {
	if !s.grantsAdminHere(token) {
		return invalidRequest("Scope '%s' does not name this Artifactory (%s)",
			token, s.serviceName())
	}
	if !caller.admin {
		return accessDenied("Only an admin can create tokens with the '%s' scope", token)
	}
	return nil
}
