package emulator

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Lifetimes of the legacy API, in seconds. Zero means never expires.
const (
	defaultLifetimeSeconds  = 3600
	nonAdminMaxLifetimeSecs = 3600
)

// tokenSettings are the settings a token is issued with, and what a
// refresh copies.
type tokenSettings struct {
	api         string // APILegacy or APIAccess
	username    string
	scope       []string // requested scope tokens
	lifetime    int64    // seconds; 0 = never expires
	refreshable bool
	audience    []string

	// Only the Access API sets these.
	description    string
	projectKey     string
	referenceToken bool // hand out a reference token too
	forceRevocable bool
}

// grantedScope is the scope the token carries and the client is answered.
func (ts tokenSettings) grantedScope() string {
	if ts.api == APIAccess {
		return strings.Join(dedupe(ts.scope), " ")
	}
	return grantedScope(ts.scope)
}

// tokenOverrides are the settings a request names; nil fields were not
// sent (an empty value counts as not sent).
type tokenOverrides struct {
	username    *string
	scope       []string
	lifetime    *int64
	refreshable *bool
	audience    []string
}

// any tells whether the request named any setting at all.
func (o tokenOverrides) any() bool {
	return o.username != nil || o.scope != nil || o.lifetime != nil ||
		o.refreshable != nil || o.audience != nil
}

// applyTo returns base with the named settings replaced.
func (o tokenOverrides) applyTo(base tokenSettings) tokenSettings {
	out := base
	if o.username != nil {
		out.username = *o.username
	}
	if o.scope != nil {
		out.scope = o.scope
	}
	if o.lifetime != nil {
		out.lifetime = *o.lifetime
	}
	if o.refreshable != nil {
		out.refreshable = *o.refreshable
	}
	if o.audience != nil {
		out.audience = o.audience
	}
	return out
}

// parseOverrides reads the token settings of a legacy form. It only checks
// that each value is well formed; what the caller may ask for is decided
// by decideSettings.
func parseOverrides(form url.Values) (tokenOverrides, *apiError) {
	var o tokenOverrides
	if v := form.Get("username"); v != "" {
		o.username = &v
	}
	if v := form.Get("scope"); v != "" {
		o.scope = strings.Fields(v)
	}
	if v := form.Get("audience"); v != "" {
		o.audience = strings.Fields(v)
	}
	if v := form.Get("expires_in"); v != "" {
		secs, err := strconv.ParseInt(v, 10, 64)
		if err != nil || secs < 0 {
			return o, invalidRequest("expires_in must be a whole number of seconds, "+
				"0 or more, got '%s'", v)
		}
		o.lifetime = &secs
	}
	if v := form.Get("refreshable"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return o, invalidRequest("refreshable must be true or false, got '%s'", v)
		}
		o.refreshable = &b
	}
	return o, nil
}

// defaultSettings are what a create gets for everything it leaves out.
func (s *Server) defaultSettings(caller principal) tokenSettings {
	return tokenSettings{
		api:      APILegacy,
		username: caller.name,
		lifetime: defaultLifetimeSeconds,
		audience: []string{s.serviceName()},
	}
}

// decideSettings applies the overrides to base and runs the legacy API's
// rules in order; the first rule broken is the answer.
func (s *Server) decideSettings(caller principal, o tokenOverrides,
	base tokenSettings) (tokenSettings, *apiError) {
	want := o.applyTo(base)
	checks := []func() *apiError{
		func() *apiError { return checkUsername(caller, want.username) },
		func() *apiError { return s.checkTransientUser(want) },
		func() *apiError { return s.checkScope(caller, want.scope) },
		func() *apiError { return checkLifetime(caller, want.lifetime) },
		func() *apiError { return checkAudience(want.audience) },
	}
	for _, check := range checks {
		if err := check(); err != nil {
			return tokenSettings{}, err
		}
	}
	return want, nil
}

// checkUsername lets only admins name a user other than themselves.
func checkUsername(caller principal, username string) *apiError {
	if username == caller.name || caller.admin {
		return nil
	}
	return accessDenied("Only an admin can create tokens for other users "+
		"(user '%s' asked for '%s')", caller.name, username)
}

// checkTransientUser: a token for a user Artifactory does not know makes a
// transient user, which exists only through the groups its scope names.
func (s *Server) checkTransientUser(want tokenSettings) *apiError {
	if _, known := s.users[want.username]; known || hasGroupsScope(want.scope) {
		return nil
	}
	return invalidRequest("User '%s' does not exist: a token for a transient user "+
		"requires a member-of-groups scope", want.username)
}

// checkLifetime holds non-admins to expiring tokens of at most an hour.
func checkLifetime(caller principal, lifetime int64) *apiError {
	if caller.admin || (lifetime > 0 && lifetime <= nonAdminMaxLifetimeSecs) {
		return nil
	}
	return invalidRequest("Non-admin users can only create tokens that expire within "+
		"%d seconds: expires_in must be between 1 and %d, got %d",
		nonAdminMaxLifetimeSecs, nonAdminMaxLifetimeSecs, lifetime)
}

// checkAudience wants every audience entry shaped <service>@<id>.
func checkAudience(audience []string) *apiError {
	i := slices.IndexFunc(audience, func(aud string) bool {
		service, id, ok := strings.Cut(aud, "@")
		return !ok || service == "" || id == ""
	})
	if i >= 0 {
		return invalidRequest("Audience '%s' is not a service id such as jfrt@*", audience[i])
	}
	return nil
}

// clampLifetime caps a lifetime at maxLifetime, rounded down to whole
// seconds but at least one. A non-expiring request gets maxLifetime; a
// maxLifetime of zero or less caps nothing.
func clampLifetime(lifetime int64, maxLifetime time.Duration) int64 {
	if maxLifetime <= 0 {
		return lifetime
	}
	limit := max(int64(maxLifetime/time.Second), 1)
	if lifetime == 0 || lifetime > limit {
		return limit
	}
	return lifetime
}
