package artifactory

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
)

// ErrNotJWT is wrapped by every DecodeClaims error. Reference tokens, which
// are opaque, give it too.
var ErrNotJWT = errors.New("not a readable JWT")

// maxUnixSeconds is the last second of year 9999; later dates are garbage.
const maxUnixSeconds = 253402300799

// Claims are the JWT claims the operator reads from an access token.
type Claims struct {
	// ID is the jti claim, Artifactory's token id.
	ID string

	// Subject is the sub claim, such as "jfrt@01abc/users/ci".
	Subject string

	// Issuer is the iss claim.
	Issuer string

	// Scope is the scp claim (or scope), space-separated.
	Scope string

	// Audience is the aud claim, which a token may carry as a string or
	// as an array.
	Audience []string

	// IssuedAt is the iat claim; zero when absent.
	IssuedAt time.Time

	// ExpiresAt is the exp claim; nil when absent, for a token that never
	// expires.
	ExpiresAt *time.Time
}

// rawClaims is the payload as sent; the claims whose type varies between
// issuers stay raw.
type rawClaims struct {
	ID       string          `json:"jti"`
	Subject  string          `json:"sub"`
	Issuer   string          `json:"iss"`
	Scp      json.RawMessage `json:"scp"`
	Scope    json.RawMessage `json:"scope"`
	Audience json.RawMessage `json:"aud"`
	IssuedAt json.RawMessage `json:"iat"`
	Expiry   json.RawMessage `json:"exp"`
}

// DecodeClaims reads the claims of a JWT without checking its signature:
// the operator only hands tokens out, so it has no key to check them with
// and no decision rests on them being genuine. The payload may be base64url
// with or without padding. Errors wrap ErrNotJWT and never contain the
// token.
func DecodeClaims(token string) (Claims, error) {
	payload, err := jwtPayload(token)
	if err != nil {
		return Claims{}, err
	}

	var raw rawClaims
	if !isJSONObject(payload) || json.Unmarshal(payload, &raw) != nil {
		return Claims{}, notJWT("payload is not a JSON object of claims")
	}
	return raw.claims()
}

// jwtPayload returns the decoded middle segment of a three-part token.
func jwtPayload(token string) ([]byte, error) {
	parts := strings.Split(strings.TrimSpace(token), ".")
	if len(parts) != 3 {
		return nil, notJWT(fmt.Sprintf("has %d dot-separated parts, want 3", len(parts)))
	}

	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return nil, fmt.Errorf("artifactory: %w: payload is not base64url: %w", ErrNotJWT, err)
	}
	return payload, nil
}

func (raw rawClaims) claims() (Claims, error) {
	c := Claims{ID: raw.ID, Subject: raw.Subject, Issuer: raw.Issuer}

	var err error
	if c.Scope, err = scopeClaim(raw.Scp, raw.Scope); err != nil {
		return Claims{}, err
	}
	if c.Audience, err = audienceClaim(raw.Audience); err != nil {
		return Claims{}, err
	}
	if c.IssuedAt, err = numericDate("iat", raw.IssuedAt); err != nil {
		return Claims{}, err
	}
	exp, err := numericDate("exp", raw.Expiry)
	if err != nil {
		return Claims{}, err
	}
	if !exp.IsZero() {
		c.ExpiresAt = &exp
	}
	return c, nil
}

// scopeClaim reads scp, or else scope, as a string or an array of strings.
func scopeClaim(scp, scope json.RawMessage) (string, error) {
	if isAbsent(scp) {
		scp = scope
	}
	list, err := stringOrList("scp", scp)
	return strings.Join(list, " "), err
}

// audienceClaim reads aud, a string or an array of strings.
func audienceClaim(raw json.RawMessage) ([]string, error) {
	return stringOrList("aud", raw)
}

func stringOrList(name string, raw json.RawMessage) ([]string, error) {
	if isAbsent(raw) {
		return nil, nil
	}

	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		return []string{one}, nil
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, notJWT(fmt.Sprintf("claim %s is not a string or a list of strings", name))
	}
	return list, nil
}

// numericDate reads a JWT date, seconds since the epoch as a JSON number;
// absent or null gives the zero time.
func numericDate(name string, raw json.RawMessage) (time.Time, error) {
	if isAbsent(raw) {
		return time.Time{}, nil
	}

	var secs float64
	if err := json.Unmarshal(raw, &secs); err != nil {
		return time.Time{}, notJWT(fmt.Sprintf("claim %s is not a number", name))
	}
	if math.IsNaN(secs) || secs < 0 || secs > maxUnixSeconds {
		return time.Time{}, notJWT(fmt.Sprintf("claim %s is out of range", name))
	}
	whole, frac := math.Modf(secs)
	return time.Unix(int64(whole), int64(frac*1e9)).UTC(), nil
}

func isAbsent(raw json.RawMessage) bool {
	s := strings.TrimSpace(string(raw))
	return s == "" || s == "null"
}

func isJSONObject(b []byte) bool {
	s := strings.TrimSpace(string(b))
	return strings.HasPrefix(s, "{")
}

func notJWT(problem string) error {
	return fmt.Errorf("artifactory: %w: %s", ErrNotJWT, problem)
}
