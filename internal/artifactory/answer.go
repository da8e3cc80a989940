package artifactory

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// maxExpiresIn is the longest expires_in a time.Duration holds (about 292
// years); larger values are treated as absent rather than overflowing.
const maxExpiresIn = float64(math.MaxInt64 / int64(time.Second))

// tokenAnswer is the 200 answer to a create or a refresh, in either flavour.
type tokenAnswer struct {
	TokenID        string          `json:"token_id"`
	AccessToken    string          `json:"access_token"`
	RefreshToken   string          `json:"refresh_token"`
	ReferenceToken string          `json:"reference_token"`
	ExpiresIn      json.RawMessage `json:"expires_in"`
	Scope          string          `json:"scope"`
	TokenType      string          `json:"token_type"`
}

// issuedToken reads a token answer. It is lenient past the access token:
// the token exists on the server now, so an odd field must not lose it.
// now is the time the answer arrived.
func issuedToken(op string, body []byte, now time.Time) (*IssuedToken, error) {
	var answer tokenAnswer
	if err := json.Unmarshal(body, &answer); err != nil {
		return nil, opError(op, fmt.Errorf("answer is not a token: %w", err))
	}
	if answer.AccessToken == "" {
		return nil, opError(op, errors.New("answer has no access_token"))
	}

	tok := &IssuedToken{
		AccessToken:    answer.AccessToken,
		RefreshToken:   answer.RefreshToken,
		ReferenceToken: answer.ReferenceToken,
		TokenType:      answer.TokenType,
		Scope:          answer.Scope,
		ExpiresIn:      expiresInSeconds(answer.ExpiresIn),
		TokenID:        answer.TokenID,
		IssuedAt:       now.UTC(),
	}

	// A reference token is opaque: it has no claims to read.
	claims, err := DecodeClaims(answer.AccessToken)
	if err != nil {
		claims = Claims{}
	}
	if tok.TokenID == "" {
		tok.TokenID = claims.ID
	}
	if !claims.IssuedAt.IsZero() {
		tok.IssuedAt = claims.IssuedAt
	}
	tok.ExpiresAt = expiresAt(claims.ExpiresAt, tok.IssuedAt, tok.ExpiresIn)
	return tok, nil
}

// expiresAt prefers the token's own exp; else it counts expires_in from the
// issue time. No exp and no positive expires_in means no expiry.
func expiresAt(exp *time.Time, issuedAt time.Time, expiresIn *int64) *time.Time {
	if exp != nil {
		t := *exp
		return &t
	}
	if expiresIn == nil || *expiresIn <= 0 {
		return nil
	}
	t := issuedAt.Add(time.Duration(*expiresIn) * time.Second)
	return &t
}

// expiresInSeconds reads expires_in as a JSON number or a numeric string;
// nil when it is absent or makes no sense.
func expiresInSeconds(raw json.RawMessage) *int64 {
	if isAbsent(raw) {
		return nil
	}

	text := strings.Trim(strings.TrimSpace(string(raw)), `"`)
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsNaN(f) || f < 0 || f > maxExpiresIn {
		return nil
	}
	n := int64(f)
	return &n
}
