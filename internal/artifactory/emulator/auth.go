package emulator

import (
	"crypto/subtle"
	"encoding/base64"
	"net"
	"net/http"
	"slices"
	"strings"
)

// principal is an authenticated caller.
type principal struct {
	name    string
	admin   bool
	groups  []string
	tokenID string // the token the caller logged in with; empty for a password
}

// surface is the service a request is for; it decides which token
// audiences are accepted.
type surface int

const (
	onArtifactory surface = iota // /artifactory/...: jfrt@ audiences
	onAccess                     // /access/...: jfac@ and jfrt@ audiences
)

// credentials is what one Authorization header claims.
type credentials struct {
	user   string // the Basic user; empty for a bearer token
	secret string // a password or an access token
	bearer bool
}

// parseAuthorization reads a Basic or Bearer Authorization header. ok is
// false for any other or a garbled header.
func parseAuthorization(header string) (creds credentials, ok bool) {
	scheme, value, found := strings.Cut(header, " ")
	if !found {
		return credentials{}, false
	}
	value = strings.TrimSpace(value)
	switch {
	case strings.EqualFold(scheme, "Bearer"):
		return credentials{secret: value, bearer: true}, value != ""
	case strings.EqualFold(scheme, "Basic"):
		return parseBasic(value)
	}
	return credentials{}, false
}

func parseBasic(value string) (credentials, bool) {
	decoded, err := base64.StdEncoding.DecodeString(value)
	if err != nil {
		return credentials{}, false
	}
	user, secret, found := strings.Cut(string(decoded), ":")
	if !found || user == "" {
		return credentials{}, false
	}
	return credentials{user: user, secret: secret}, true
}

// authenticate resolves the caller of an Artifactory endpoint from the
// Authorization header. It returns a nil principal and a nil error when the
// request carries no credentials. Failed logins count towards the
// recurrent-failure block, and a blocked identity is refused before its
// credentials are looked at.
func (s *Server) authenticate(r *http.Request) (*principal, *apiError) {
	return s.authenticateOn(r, onArtifactory)
}

func (s *Server) authenticateOn(r *http.Request, on surface) (*principal, *apiError) {
	header := r.Header.Get("Authorization")
	// Anonymous requests are for the handler to accept or refuse.
	if header == "" {
		return nil, nil
	}

	creds, parsed := parseAuthorization(header)
	key := s.lockoutKey(creds, r)
	now := s.now()
	if s.lockout.isBlocked(key, now) {
		return nil, artifactoryError(http.StatusForbidden, msgBlocked)
	}

	p, ok := s.verify(creds, on)
	if !parsed || !ok {
		s.lockout.recordFailure(key, now)
		return nil, artifactoryError(http.StatusUnauthorized, msgBadCredentials)
	}
	s.lockout.recordSuccess(key)
	return p, nil
}

// requireCaller authenticates the request and answers 401 itself when
// there is no valid caller.
func (s *Server) requireCaller(w http.ResponseWriter, r *http.Request) (*principal, bool) {
	p, err := s.authenticate(r)
	if err == nil && p == nil {
		err = artifactoryError(http.StatusUnauthorized, msgAuthRequired)
	}
	if err != nil {
		writeAPIError(w, err)
		return nil, false
	}
	return p, true
}

// requireAdmin is requireCaller for admin-only endpoints: a valid caller
// who is no admin gets 403.
func (s *Server) requireAdmin(w http.ResponseWriter, r *http.Request) (*principal, bool) {
	p, ok := s.requireCaller(w, r)
	if !ok {
		return nil, false
	}
	if !p.admin {
		writeAPIError(w, artifactoryError(http.StatusForbidden, msgForbidden))
		return nil, false
	}
	return p, true
}

// lockoutKey names the identity a login attempt counts against: the
// claimed user, or the client address when no user can be told.
func (s *Server) lockoutKey(creds credentials, r *http.Request) string {
	if creds.user != "" {
		return "user:" + creds.user
	}
	if name, ok := s.usernameFromSubject(unverifiedSubject(creds.secret)); ok {
		return "user:" + name
	}
	if t, ok := s.tokens.findByReference(creds.secret); ok {
		return "user:" + t.Username
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return "addr:" + host
}

// verify checks credentials: a Basic password, or an access token (or its
// reference token) given as Bearer or as the Basic password of the user it
// was issued for.
func (s *Server) verify(creds credentials, on surface) (*principal, bool) {
	if creds.bearer {
		return s.tokenPrincipal(creds.secret, "", on)
	}
	if u, ok := s.users[creds.user]; ok && passwordMatches(u, creds.secret) {
		return userPrincipal(u), true
	}
	return s.tokenPrincipal(creds.secret, creds.user, on)
}

func passwordMatches(u User, password string) bool {
	// A user configured without a password cannot log in with one.
	if u.Password == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(u.Password), []byte(password)) == 1
}

func userPrincipal(u User) *principal {
	return &principal{name: u.Name, admin: u.Admin, groups: slices.Clone(u.Groups)}
}

// tokenPrincipal accepts a live access token meant for the service the
// request is for. wantUser, when set, must be the user the token was
// issued for. A legacy token's caller is an admin when the token carries
// the admin scope or its user is a configured admin, and its groups are
// those its scope names; an Access token's rights come from its
// applied-permissions scope (see accessPrincipal).
func (s *Server) tokenPrincipal(accessToken, wantUser string, on surface) (*principal, bool) {
	t, err := s.validToken(accessToken)
	if err != nil {
		return nil, false
	}
	if wantUser != "" && t.Username != wantUser {
		return nil, false
	}
	if !s.audienceFits(t.settings.audience, on) {
		return nil, false
	}

	u, known := s.users[t.Username]
	scope := strings.Fields(t.Scope)
	if t.API == APIAccess {
		return accessPrincipal(t.ID, t.Username, scope, u, known)
	}
	return &principal{
		name:    t.Username,
		admin:   (known && u.Admin) || s.hasAdminScope(scope),
		groups:  scopeGroups(scope, u.Groups),
		tokenID: t.ID,
	}, true
}

// audienceFits tells whether a token with this audience may be used on
// the service: Artifactory takes jfrt@ audiences; Access, which checks the
// tokens of every service of the platform, takes jfac@ and jfrt@ ones.
func (s *Server) audienceFits(audience []string, on surface) bool {
	if on == onAccess {
		return s.audienceNames(audience, "jfac", "jfrt")
	}
	return s.audienceAccepts(audience)
}
