package emulator

import (
	"cmp"
	"net/http"
	"time"
)

// Defaults of the Access API's settings.
const (
	defaultAccessExpiry        = 365 * 24 * time.Hour
	defaultNonAdminMaxExpiry   = time.Hour
	defaultRevocableThreshold  = 6 * time.Hour
	defaultPersistentThreshold = 3 * time.Hour
	defaultAccessAudience      = "*@*"
)

// expiryPolicy holds the Access API's lifetime rules, in seconds.
type expiryPolicy struct {
	defaultSecs     int64 // given when expires_in is left out; above zero
	maxSecs         int64 // the most anyone may ask for; 0 = no limit
	nonAdminMaxSecs int64 // the most a non-admin may ask for; 0 = no limit
	nonExpiring     bool  // expires_in=0 is honoured (from 7.42.1), else capped
}

// decide returns the lifetime granted for a requested one (nil: left
// out), or a 403 when the caller may not have it. Its rules, in order:
//   - left out: the default, cut to the limits that apply to the caller;
//   - 0 (never expires): admins only; servers before 7.42.1 silently
//     grant the default instead; beyond any maxSecs;
//   - otherwise: at most nonAdminMaxSecs for non-admins, and at most
//     maxSecs for everyone.
func (p expiryPolicy) decide(admin bool, requested *int64) (int64, *apiError) {
	limit := p.maxSecs
	if !admin && p.nonAdminMaxSecs > 0 && (limit == 0 || p.nonAdminMaxSecs < limit) {
		limit = p.nonAdminMaxSecs
	}
	if requested == nil {
		return capAt(p.defaultSecs, limit), nil
	}

	secs := *requested
	switch {
	case secs == 0 && !admin:
		return 0, accessError(http.StatusForbidden, accessForbidden,
			"Only an admin can create tokens that never expire (expires_in=0)")
	case secs == 0 && !p.nonExpiring:
		return capAt(p.defaultSecs, limit), nil
	case secs == 0 && limit > 0:
		return 0, accessError(http.StatusForbidden, accessForbidden,
			"Tokens must expire within %d seconds: expires_in=0 asks never to expire", limit)
	case limit > 0 && secs > limit:
		return 0, accessError(http.StatusForbidden, accessForbidden,
			"Tokens must expire within %d seconds, expires_in asked for %d", limit, secs)
	}
	return secs, nil
}

// capAt returns secs, or limit when that is set and lower.
func capAt(secs, limit int64) int64 {
	if limit > 0 && secs > limit {
		return limit
	}
	return secs
}

// wholeSeconds turns a configured duration into seconds, at least one.
func wholeSeconds(d time.Duration) int64 {
	return max(int64(d/time.Second), 1)
}

// decideAccessSettings fills in the defaults of a create and runs the
// Access API's rules in order; the first rule broken is the answer.
func (s *Server) decideAccessSettings(caller principal,
	req accessRequest) (tokenSettings, *apiError) {
	want := tokenSettings{
		api:            APIAccess,
		username:       cmp.Or(req.username, caller.name),
		scope:          req.scope,
		refreshable:    req.refreshable,
		audience:       req.audience,
		description:    req.description,
		projectKey:     req.projectKey,
		referenceToken: req.referenceToken && s.supports(sinceReferenceTokens),
		forceRevocable: req.forceRevocable && s.supports(sinceForceRevocable),
	}
	if len(want.scope) == 0 {
		want.scope = []string{scopeAppliedUser}
	}
	if len(want.audience) == 0 {
		want.audience = []string{defaultAccessAudience}
	}

	checks := []func() *apiError{
		func() *apiError { return checkAccessUsername(caller, want.username) },
		func() *apiError { return s.checkAccessTransientUser(want) },
		func() *apiError { return checkAccessScope(caller, want.scope) },
		func() (err *apiError) {
			want.lifetime, err = s.expiry.decide(caller.admin, req.lifetime)
			return err
		},
		func() *apiError { return asAccessError(checkAudience(want.audience)) },
	}
	for _, check := range checks {
		if err := check(); err != nil {
			return tokenSettings{}, err
		}
	}
	return want, nil
}

// checkAccessUsername lets only admins name a user other than themselves.
func checkAccessUsername(caller principal, username string) *apiError {
	if username == caller.name || caller.admin {
		return nil
	}
	return accessError(http.StatusForbidden, accessForbidden,
		"Only an admin can create tokens for other users (user '%s' asked for '%s')",
		caller.name, username)
}

// checkAccessTransientUser: a token for a user Access does not know makes
// a transient user, which exists only through the groups its scope names.
func (s *Server) checkAccessTransientUser(want tokenSettings) *apiError {
	if _, known := s.users[want.username]; known || countAppliedGroups(want.scope) > 0 {
		return nil
	}
	return accessError(http.StatusBadRequest, accessBadRequest,
		"User '%s' does not exist: a token for a transient user needs an %s<group> scope",
		want.username, scopeAppliedGroups)
}
