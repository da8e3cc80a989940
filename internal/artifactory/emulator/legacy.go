package emulator

import (
	"mime"
	"net/http"
	"net/url"
)

// Paths of the legacy token API.
const (
	legacyTokenPath  = "/artifactory/api/security/token"
	legacyRevokePath = "/artifactory/api/security/token/revoke"
)

// Grant types of the token endpoints.
const (
	grantClientCredentials = "client_credentials"
	grantRefreshToken      = "refresh_token"
)

// legacyRoutes are the token endpoints Artifactory has had since 5.0.
func (s *Server) legacyRoutes() []route {
	return []route{
		{http.MethodPost, legacyTokenPath, s.handleLegacyToken},
		{http.MethodGet, legacyTokenPath, s.handleLegacyList},
		{http.MethodPost, legacyRevokePath, s.handleLegacyRevoke},
	}
}

// legacyTokenResponse is the legacy endpoint's answer to a create or a
// refresh. It has no token id: that is the JWT's jti.
type legacyTokenResponse struct {
	AccessToken  string `json:"access_token"`
	ExpiresIn    int64  `json:"expires_in"`
	Scope        string `json:"scope"`
	TokenType    string `json:"token_type"`
	RefreshToken string `json:"refresh_token,omitempty"`
}

func (s *Server) handleLegacyToken(w http.ResponseWriter, r *http.Request) {
	form, err := readForm(w, r)
	if err != nil {
		writeAPIError(w, err)
		return
	}

	switch grant := form.Get("grant_type"); grant {
	case "", grantClientCredentials:
		s.createLegacyToken(w, r, form)
	case grantRefreshToken:
		s.refreshLegacyToken(w, r, form)
	default:
		writeAPIError(w, invalidRequest("Unsupported grant_type '%s'", grant))
	}
}

// readForm parses a form-encoded body (a missing Content-Type is taken
// for one); query parameters count too.
func readForm(w http.ResponseWriter, r *http.Request) (url.Values, *apiError) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mediaType, _, err := mime.ParseMediaType(ct)
		if err != nil || mediaType != "application/x-www-form-urlencoded" {
			return nil, invalidRequest("Expected an application/x-www-form-urlencoded body, "+
				"got Content-Type '%s'", ct)
		}
	}
	if err := parseFormBody(w, r); err != nil {
		return nil, invalidRequest("Malformed form body: %v", err)
	}
	return r.Form, nil
}

// parseFormBody parses the query and a form body into r.Form, taking a
// body without Content-Type for a form (net/http alone would skip it).
func parseFormBody(w http.ResponseWriter, r *http.Request) error {
	if r.Header.Get("Content-Type") == "" {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	return r.ParseForm()
}

func (s *Server) createLegacyToken(w http.ResponseWriter, r *http.Request, form url.Values) {
	caller, ok := s.requireCaller(w, r)
	if !ok {
		return
	}
	overrides, err := parseOverrides(form)
	if err != nil {
		writeAPIError(w, err)
		return
	}
	settings, err := s.decideSettings(*caller, overrides, s.defaultSettings(*caller))
	if err != nil {
		writeAPIError(w, err)
		return
	}

	s.issueAndAnswer(w, settings)
}

// refreshLegacyToken trades a refresh pair for a new token with the old
// token's settings. The pair is its own credential; overriding settings
// takes admin credentials as well.
func (s *Server) refreshLegacyToken(w http.ResponseWriter, r *http.Request, form url.Values) {
	refreshToken, accessToken := form.Get("refresh_token"), form.Get("access_token")
	if refreshToken == "" || accessToken == "" {
		writeAPIError(w, invalidRequest("A refresh needs both refresh_token and access_token"))
		return
	}
	overrides, err := parseOverrides(form)
	if err != nil {
		writeAPIError(w, err)
		return
	}
	pair := refreshPair{refreshToken: refreshToken, accessToken: accessToken, api: APILegacy}
	old, ok := s.tokens.refreshable(pair)
	if !ok {
		writeAPIError(w, invalidRefreshGrant())
		return
	}
	settings, ok := s.refreshSettings(w, r, old.settings, overrides)
	if !ok {
		return
	}
	// A concurrent refresh may have spent the token since it was looked up.
	if _, spent := s.tokens.spendRefresh(pair); !spent {
		writeAPIError(w, invalidRefreshGrant())
		return
	}

	s.issueAndAnswer(w, settings)
}

// refreshSettings decides the new token's settings: the old ones, unless
// an authenticated admin overrides some. It answers the request itself
// when it refuses.
func (s *Server) refreshSettings(w http.ResponseWriter, r *http.Request,
	old tokenSettings, overrides tokenOverrides) (tokenSettings, bool) {
	caller, authErr := s.authenticate(r)
	if authErr != nil {
		writeAPIError(w, authErr)
		return tokenSettings{}, false
	}
	// Without overrides the pair alone is enough.
	if !overrides.any() {
		return old, true
	}

	var refusal *apiError
	switch {
	case caller == nil:
		refusal = artifactoryError(http.StatusUnauthorized, msgAuthRequired)
	case !caller.admin:
		refusal = accessDenied("Only an admin can change a token's settings on refresh")
	}
	if refusal != nil {
		writeAPIError(w, refusal)
		return tokenSettings{}, false
	}
	settings, err := s.decideSettings(*caller, overrides, old)
	if err != nil {
		writeAPIError(w, err)
		return tokenSettings{}, false
	}
	return settings, true
}

func invalidRefreshGrant() *apiError {
	return &apiError{
		status:    http.StatusBadRequest,
		oauthCode: codeInvalidGrant,
		message: "Token refresh failed: the refresh token is unknown, already used, " +
			"or does not belong to the given access token",
	}
}

func (s *Server) issueAndAnswer(w http.ResponseWriter, settings tokenSettings) {
	t, err := s.issue(settings)
	if err != nil {
		writeAPIError(w, artifactoryError(http.StatusInternalServerError, err.Error()))
		return
	}
	writeJSON(w, http.StatusOK, legacyTokenResponse{
		AccessToken:  t.AccessToken,
		ExpiresIn:    t.settings.lifetime,
		Scope:        t.Scope,
		TokenType:    "Bearer",
		RefreshToken: t.RefreshToken,
	})
}

func (s *Server) handleLegacyRevoke(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireAdmin(w, r); !ok {
		return
	}
	form, err := readForm(w, r)
	if err != nil {
		writeAPIError(w, err)
		return
	}

	var found bool
	switch id, value := form.Get("token_id"), form.Get("token"); {
	case id != "":
		found = s.tokens.revokeByID(id)
	case value != "":
		found = s.tokens.revokeByValue(value)
	default:
		writeAPIError(w, invalidRequest("Revoking needs token or token_id"))
		return
	}
	if !found {
		writeText(w, http.StatusOK, "Token not found")
		return
	}
	writeText(w, http.StatusOK, "Token revoked")
}

// legacyTokenList is the legacy list answer; times are epoch seconds.
type legacyTokenList struct {
	Tokens []legacyTokenInfo `json:"tokens"`
}

type legacyTokenInfo struct {
	TokenID     string `json:"token_id"`
	Issuer      string `json:"issuer"`
	Subject     string `json:"subject"`
	Expiry      *int64 `json:"expiry,omitempty"`
	Refreshable bool   `json:"refreshable"`
	IssuedAt    int64  `json:"issued_at"`
}

// handleLegacyList lists the tokens still usable: neither revoked nor
// expired.
func (s *Server) handleLegacyList(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireAdmin(w, r); !ok {
		return
	}

	list := legacyTokenList{Tokens: []legacyTokenInfo{}}
	for _, t := range s.LiveTokens() {
		list.Tokens = append(list.Tokens, s.legacyTokenInfo(t))
	}
	writeJSON(w, http.StatusOK, list)
}

func (s *Server) legacyTokenInfo(t TokenRecord) legacyTokenInfo {
	info := legacyTokenInfo{
		TokenID:     t.ID,
		Issuer:      s.serviceName(),
		Subject:     s.subjectFor(t.Username),
		Refreshable: t.Refreshable,
		IssuedAt:    t.IssuedAt.Unix(),
	}
	if t.ExpiresAt != nil {
		exp := t.ExpiresAt.Unix()
		info.Expiry = &exp
	}
	return info
}
