package artifactory

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Paths of the legacy token endpoints, relative to the base URL.
const (
	legacyTokenPath  = "/artifactory/api/security/token"
	legacyRevokePath = "/artifactory/api/security/token/revoke"
)

// legacyClient speaks the legacy token API (Artifactory 5.0.0 onwards).
type legacyClient struct {
	t *transport
}

var _ Client = (*legacyClient)(nil)

// NewLegacy returns a Client for the legacy token endpoints under
// {base}/artifactory/api/security/token, the flavour named Legacy in the
// Artifactory spec. It checks the options and sends nothing.
//
// Redirects are not followed but reported as an *APIError naming the new
// address: following one would replay credentials or turn a POST into a
// GET.
func NewLegacy(opts Options) (Client, error) {
	t, err := newTransport(opts)
	if err != nil {
		return nil, err
	}
	return &legacyClient{t: t}, nil
}

// Create mints a token with grant_type=client_credentials. expires_in is
// always sent, 0 included: left out, the server picks one hour.
func (c *legacyClient) Create(ctx context.Context, req TokenRequest) (*IssuedToken, error) {
	form, err := legacyCreateForm(req)
	if err != nil {
		return nil, err
	}

	body, err := c.t.do(ctx, call{
		op:     OpCreate,
		method: http.MethodPost,
		path:   legacyTokenPath,
		form:   form,
	})
	if err != nil {
		return nil, err
	}
	return issuedToken(OpCreate, body, c.t.now())
}

// legacyCreateForm encodes req, refusing what the server would misread.
func legacyCreateForm(req TokenRequest) (url.Values, error) {
	if err := checkTokenRequest(req); err != nil {
		return nil, err
	}

	form := url.Values{}
	form.Set("grant_type", "client_credentials")
	form.Set("username", req.Username)
	if req.Scope != "" {
		form.Set("scope", req.Scope)
	}
	form.Set("expires_in", strconv.FormatInt(expiresInField(req.ExpiresIn), 10))
	form.Set("refreshable", strconv.FormatBool(req.Refreshable))
	if req.Audience != "" {
		form.Set("audience", req.Audience)
	}
	return form, nil
}

// checkTokenRequest refuses, in either flavour, a request the server would
// misread.
func checkTokenRequest(req TokenRequest) error {
	switch {
	case req.Username == "":
		return invalidRequest(OpCreate, "username is empty")
	case req.ExpiresIn < 0:
		return invalidRequest(OpCreate, "expiry is negative")
	case req.ExpiresIn > 0 && req.ExpiresIn < time.Second:
		// It would truncate to 0, which asks for a token that never expires.
		return invalidRequest(OpCreate, "expiry is under one second")
	}
	return nil
}

// expiresInField is the expires_in to send for a checked lifetime: whole
// seconds, 0 for a token that never expires.
func expiresInField(d time.Duration) int64 {
	return int64(d / time.Second)
}

// Refresh trades the pair with grant_type=refresh_token. The pair
// authenticates the call by itself, so no Authorization header is sent.
func (c *legacyClient) Refresh(ctx context.Context, req RefreshRequest) (*IssuedToken, error) {
	if req.AccessToken == "" || req.RefreshToken == "" {
		return nil, invalidRequest(OpRefresh, "access token and refresh token are both required")
	}

	form := url.Values{}
	form.Set("grant_type", "refresh_token")
	form.Set("refresh_token", req.RefreshToken)
	form.Set("access_token", req.AccessToken)
	body, err := c.t.do(ctx, call{
		op:        OpRefresh,
		method:    http.MethodPost,
		path:      legacyTokenPath,
		form:      form,
		anonymous: true,
		secrets:   []string{req.AccessToken, req.RefreshToken},
	})
	if err != nil {
		return nil, err
	}
	return issuedToken(OpRefresh, body, c.t.now())
}

// Revoke revokes by token_id, which works on versions where revoking by
// value fails. Any 2xx answer means done: the server answers 200 with a
// text body also when it knew no such token.
func (c *legacyClient) Revoke(ctx context.Context, tokenID string) error {
	if tokenID == "" {
		return invalidRequest(OpRevoke, "token id is empty")
	}

	_, err := c.t.do(ctx, call{
		op:     OpRevoke,
		method: http.MethodPost,
		path:   legacyRevokePath,
		form:   url.Values{"token_id": {tokenID}},
	})
	return err
}

// Version reads the server's version string.
func (c *legacyClient) Version(ctx context.Context) (string, error) {
	return c.t.version(ctx)
}
