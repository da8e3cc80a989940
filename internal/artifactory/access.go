package artifactory

import (
	"context"
	"net/http"
	"net/url"
	"strings"
)

// Path of the Access Tokens endpoints, relative to the base URL; a token's
// id follows it to revoke the token.
const accessTokensPath = "/access/api/v1/tokens"

// accessClient speaks the Access Tokens API (Artifactory 7.21.1 onwards).
type accessClient struct {
	t *transport
}

var _ Client = (*accessClient)(nil)

// NewAccess returns a Client for the Access Tokens API under
// {base}/access/api/v1/tokens, the flavour named AccessTokens in the
// Artifactory spec. It checks the options and sends nothing. Redirects are
// reported, not followed, as with NewLegacy.
//
// The Access API takes basic credentials only from Artifactory 7.63.2 on,
// and only where the administrator allowed it; elsewhere it answers 401
// "Unsupported authentication method Basic", for which IsUnauthorized is
// true. A token in the credentials works on every version.
func NewAccess(opts Options) (Client, error) {
	t, err := newTransport(opts)
	if err != nil {
		return nil, err
	}
	return &accessClient{t: t}, nil
}

// accessCreateBody is the JSON body of a create. Fields without omitempty
// are always sent: left out, expires_in gives the server's default
// lifetime instead of a token that never expires.
type accessCreateBody struct {
	GrantType   string `json:"grant_type"`
	Username    string `json:"username"`
	Scope       string `json:"scope,omitempty"`
	ExpiresIn   int64  `json:"expires_in"`
	Refreshable bool   `json:"refreshable"`
	Audience    string `json:"audience,omitempty"`

	// ForceRevocable makes a token shorter than the server's revocable
	// threshold revocable all the same (7.50.3 on; older servers ignore it),
	// so that replaced and deleted tokens can be revoked.
	ForceRevocable bool `json:"force_revocable"`
}

// accessRefreshBody is the JSON body of a refresh.
type accessRefreshBody struct {
	GrantType    string `json:"grant_type"`
	RefreshToken string `json:"refresh_token"`
	AccessToken  string `json:"access_token,omitempty"`
}

// Create mints a token with grant_type=client_credentials, the scope
// translated by AccessScope. expires_in is always sent, 0 included.
func (c *accessClient) Create(ctx context.Context, req TokenRequest) (*IssuedToken, error) {
	if err := checkTokenRequest(req); err != nil {
		return nil, err
	}

	body, err := c.t.do(ctx, call{
		op:     OpCreate,
		method: http.MethodPost,
		path:   accessTokensPath,
		json: accessCreateBody{
			GrantType:      "client_credentials",
			Username:       req.Username,
			Scope:          AccessScope(req.Scope),
			ExpiresIn:      expiresInField(req.ExpiresIn),
			Refreshable:    req.Refreshable,
			Audience:       req.Audience,
			ForceRevocable: true,
		},
	})
	if err != nil {
		return nil, err
	}
	return issuedToken(OpCreate, body, c.t.now())
}

// Refresh trades the pair with grant_type=refresh_token, sending no
// Authorization header: the refresh token speaks for itself. The access
// token goes along when given; the server does not insist on it. A refresh
// token already spent gives a 404, for which IsRefreshRefused is true.
func (c *accessClient) Refresh(ctx context.Context, req RefreshRequest) (*IssuedToken, error) {
	if req.RefreshToken == "" {
		return nil, invalidRequest(OpRefresh, "refresh token is empty")
	}

	body, err := c.t.do(ctx, call{
		op:     OpRefresh,
		method: http.MethodPost,
		path:   accessTokensPath,
		json: accessRefreshBody{
			GrantType:    "refresh_token",
			RefreshToken: req.RefreshToken,
			AccessToken:  req.AccessToken,
		},
		anonymous: true,
		secrets:   []string{req.AccessToken, req.RefreshToken},
	})
	if err != nil {
		return nil, err
	}
	return issuedToken(OpRefresh, body, c.t.now())
}

// Revoke deletes the token by id. 200 (revoked) and 204 (already revoked)
// mean done. A 404 means the server does not know the token, or never
// stored it because it was short-lived: the error wraps ErrTokenUnknown,
// since the token may well be live. A 404 web page is a plain error, as it
// comes from a proxy or a missing route. A token too short-lived to be
// revocable gives a 400 for which IsNotRevocable is true.
func (c *accessClient) Revoke(ctx context.Context, tokenID string) error {
	// An empty id would DELETE the collection (the server answers 405),
	// and dot segments would name another path.
	switch {
	case strings.TrimSpace(tokenID) == "":
		return invalidRequest(OpRevoke, "token id is empty")
	case tokenID == "." || tokenID == "..":
		return invalidRequest(OpRevoke, "token id is a dot segment")
	}

	_, err := c.t.do(ctx, call{
		op:            OpRevoke,
		method:        http.MethodDelete,
		path:          accessTokensPath + "/" + url.PathEscape(tokenID),
		goneIsUnknown: true,
	})
	return err
}

// Version reads the server's version string.
func (c *accessClient) Version(ctx context.Context) (string, error) {
	return c.t.version(ctx)
}
