package artifactory

import (
	"context"
	"time"
)

// Client mints, refreshes and revokes access tokens on one Artifactory.
//
// It speaks in the operator's terms, so the legacy and the Access Tokens
// flavours are interchangeable and callers never parse HTTP.
type Client interface {
	// Create mints a new access token.
	Create(ctx context.Context, req TokenRequest) (*IssuedToken, error)

	// Refresh trades a refresh token (and the access token it came with) for
	// a new pair. The refresh token is spent whether or not the answer
	// arrives, so callers must not retry with the same one after an error
	// that reached the server.
	Refresh(ctx context.Context, req RefreshRequest) (*IssuedToken, error)

	// Revoke revokes the token with this id. A token the server no longer
	// knows counts as revoked.
	Revoke(ctx context.Context, tokenID string) error

	// Version reads the server's version string, such as "7.90.0".
	Version(ctx context.Context) (string, error)
}

// TokenRequest is what the operator asks Artifactory for.
type TokenRequest struct {
	// Username is the user the token is for.
	Username string

	// Scope holds space-separated scope tokens, passed as Artifactory takes
	// them. The Access Tokens flavour first translates legacy scope tokens
	// with AccessScope.
	Scope string

	// ExpiresIn is the requested lifetime, truncated to whole seconds. Zero
	// asks for a token that never expires and is sent explicitly.
	ExpiresIn time.Duration

	// Refreshable asks for a refresh token with the access token.
	Refreshable bool

	// Audience holds space-separated service IDs.
	Audience string
}

// RefreshRequest names the pair to trade for a new one.
type RefreshRequest struct {
	AccessToken  string
	RefreshToken string
}

// IssuedToken is a token as Artifactory granted it.
type IssuedToken struct {
	// AccessToken is the secret token value.
	AccessToken string

	// RefreshToken is empty unless Artifactory returned one.
	RefreshToken string

	// ReferenceToken is the short opaque stand-in for AccessToken that the
	// Access Tokens API may return; empty when it returned none. It is as
	// secret as AccessToken.
	ReferenceToken string

	// TokenType is usually "Bearer".
	TokenType string

	// Scope is the scope as Artifactory returned it; it can differ in order
	// and content from the one requested.
	Scope string

	// ExpiresIn is the expires_in field as Artifactory returned it, in
	// seconds; nil when the answer had none.
	ExpiresIn *int64

	// TokenID is Artifactory's token_id, or the JWT's jti.
	TokenID string

	// IssuedAt is the JWT's iat, or the time of the answer when it has none.
	IssuedAt time.Time

	// ExpiresAt is nil for a token that never expires.
	ExpiresAt *time.Time
}
