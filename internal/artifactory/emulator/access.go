package emulator

import (
	"net/http"
)

// Paths of the Access Tokens API.
const (
	accessPrefix      = "/access/"
	accessTokensPath  = "/access/api/v1/tokens"
	accessTokenPath   = accessTokensPath + "/{id}"
	accessMyTokenPath = accessTokensPath + "/me"
	accessEmptyIDPath = accessTokensPath + "/{$}"
)

// accessRoutes are the Access Tokens API's endpoints, which Artifactory
// serves from 7.21.1 on.
func (s *Server) accessRoutes() []route {
	return []route{
		{http.MethodPost, accessTokensPath, s.handleAccessToken},
		{http.MethodGet, accessTokensPath, s.handleAccessList},
		{http.MethodGet, accessMyTokenPath, s.handleAccessGetMine},
		{http.MethodGet, accessTokenPath, s.handleAccessGet},
		{http.MethodDelete, accessTokenPath, s.handleAccessRevoke},
		{http.MethodDelete, accessEmptyIDPath, s.handleAccessRevokeNoID},
	}
}

// accessTokenResponse is the Access API's answer to a create or a
// refresh. expires_in is left out for a token that never expires.
type accessTokenResponse struct {
	TokenID        string `json:"token_id"`
	AccessToken    string `json:"access_token"`
	RefreshToken   string `json:"refresh_token,omitempty"`
	ExpiresIn      *int64 `json:"expires_in,omitempty"`
	Scope          string `json:"scope"`
	TokenType      string `json:"token_type"`
	ReferenceToken string `json:"reference_token,omitempty"`
}

func (s *Server) handleAccessToken(w http.ResponseWriter, r *http.Request) {
	fields, err := readAccessFields(w, r)
	if err != nil {
		writeAPIError(w, err)
		return
	}
	req, err := parseAccessRequest(fields)
	if err != nil {
		writeAPIError(w, err)
		return
	}

	switch req.grantType {
	case "", grantClientCredentials:
		s.createAccessToken(w, r, req)
	case grantRefreshToken:
		s.refreshAccessToken(w, r, req)
	default:
		writeAPIError(w, accessError(http.StatusBadRequest, accessBadRequest,
			"Unsupported grant_type '%s'", req.grantType))
	}
}

func (s *Server) createAccessToken(w http.ResponseWriter, r *http.Request, req accessRequest) {
	caller, ok := s.requireAccessCaller(w, r)
	if !ok {
		return
	}
	settings, err := s.decideAccessSettings(*caller, req)
	if err != nil {
		writeAPIError(w, err)
		return
	}

	s.issueAccessAndAnswer(w, settings)
}

// refreshAccessToken trades a refresh token, once, for a new token with
// the old token's settings; fields other than the refresh pair are not
// looked at. The refresh token is its own credential, but credentials that
// are sent must be good.
func (s *Server) refreshAccessToken(w http.ResponseWriter, r *http.Request, req accessRequest) {
	// Servers before 7.37.9 only create tokens.
	if !s.supports(sinceAccessRefresh) {
		writeAPIError(w, accessError(http.StatusBadRequest, accessBadRequest,
			"Unsupported grant_type '%s'", req.grantType))
		return
	}
	if req.refreshToken == "" {
		writeAPIError(w, accessError(http.StatusBadRequest, accessBadRequest,
			"A refresh needs a refresh_token"))
		return
	}
	if _, err := s.authenticateAccess(r); err != nil {
		writeAPIError(w, err)
		return
	}

	old, ok := s.tokens.spendRefresh(refreshPair{
		refreshToken: req.refreshToken,
		accessToken:  req.accessToken,
		api:          APIAccess,
	})
	if !ok {
		writeAPIError(w, accessError(http.StatusNotFound, accessNotFound, msgRefreshNotFound))
		return
	}
	s.issueAccessAndAnswer(w, old.settings)
}

func (s *Server) issueAccessAndAnswer(w http.ResponseWriter, settings tokenSettings) {
	t, err := s.issue(settings)
	if err != nil {
		writeAPIError(w, accessError(http.StatusInternalServerError, accessInternalError,
			"%s", err.Error()))
		return
	}
	answer := accessTokenResponse{
		TokenID:        t.ID,
		AccessToken:    t.AccessToken,
		RefreshToken:   t.RefreshToken,
		Scope:          t.Scope,
		TokenType:      "Bearer",
		ReferenceToken: t.ReferenceToken,
	}
	if lifetime := t.settings.lifetime; lifetime > 0 {
		answer.ExpiresIn = &lifetime
	}
	writeJSON(w, http.StatusOK, answer)
}
