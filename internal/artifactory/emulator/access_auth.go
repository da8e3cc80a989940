package emulator

import (
	"net/http"
	"strings"
)

// accessBasicAuth tells whether the Access API takes Basic credentials:
// from 7.63.2 on, and only when the administrator allowed it.
func (s *Server) accessBasicAuth() bool {
	return s.accessBasic && s.supports(sinceAccessBasicAuth)
}

// authenticateAccess is authenticate for the Access API, answering in its
// error shape. Bearer tokens always work. Basic credentials are refused
// with 401 "Unsupported authentication method Basic" unless
// accessBasicAuth; that refusal comes before any credential is looked at,
// so it does not count as a failed login.
func (s *Server) authenticateAccess(r *http.Request) (*principal, *apiError) {
	if isBasicHeader(r.Header.Get("Authorization")) && !s.accessBasicAuth() {
		return nil, accessError(http.StatusUnauthorized, accessUnauthorized, msgUnsupportedBasic)
	}
	p, err := s.authenticateOn(r, onAccess)
	return p, asAccessError(err)
}

func isBasicHeader(header string) bool {
	scheme, _, _ := strings.Cut(header, " ")
	return strings.EqualFold(scheme, "Basic")
}

// requireAccessCaller authenticates an Access request and answers 401
// itself when there is no valid caller.
func (s *Server) requireAccessCaller(w http.ResponseWriter, r *http.Request) (*principal, bool) {
	p, err := s.authenticateAccess(r)
	if err == nil && p == nil {
		err = accessError(http.StatusUnauthorized, accessUnauthorized, msgAuthRequired)
	}
	if err != nil {
		writeAPIError(w, err)
		return nil, false
	}
	return p, true
}

// requireAccessAdmin is requireAccessCaller for admin-only endpoints.
func (s *Server) requireAccessAdmin(w http.ResponseWriter, r *http.Request) (*principal, bool) {
	p, ok := s.requireAccessCaller(w, r)
	if !ok {
		return nil, false
	}
	if !p.admin {
		writeAPIError(w, accessError(http.StatusForbidden, accessForbidden, msgForbidden))
		return nil, false
	}
	return p, true
}
