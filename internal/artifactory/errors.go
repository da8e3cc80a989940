package artifactory

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Operations, as named in APIError.Op and in every error a Client returns.
const (
	OpCreate  = "create token"
	OpRefresh = "refresh token"
	OpRevoke  = "revoke token"
	OpVersion = "read version"
)

// ErrInvalidRequest is wrapped by errors about a request the client refuses
// to send, such as a revoke with an empty token id. Retrying cannot help.
var ErrInvalidRequest = errors.New("invalid request")

// maxRetryAfter caps a server's Retry-After, so a misconfigured proxy cannot
// park a token for days.
const maxRetryAfter = 24 * time.Hour

// APIError is an answer from Artifactory with an error status.
type APIError struct {
	// StatusCode is the HTTP status.
	StatusCode int

	// Code is the error code from the body, such as "invalid_request" or
	// "NOT_FOUND"; empty when the body had none.
	Code string

	// Message is the server's message, redacted and shortened; the HTTP
	// status text when the body said nothing.
	Message string

	// RetryAfter is the wait the server asked for with Retry-After on a 429
	// or 503; zero otherwise.
	RetryAfter time.Duration

	// Op is the operation that failed, one of the Op constants.
	Op string
}

// Error reads like
// "artifactory create token: 400 invalid_request: User ci can only ...".
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("artifactory")
	if e.Op != "" {
		b.WriteString(" " + e.Op)
	}
	b.WriteString(": " + strconv.Itoa(e.StatusCode))
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	// Redacted again: an APIError may have been built outside this package.
	return Redact(b.String())
}

// IsUnauthorized reports whether err says the credentials were refused:
// a 401, or the 403 Artifactory gives for a while after repeated failed
// logins. Either way retrying at once only prolongs the block.
//
// Refresh sends no credentials, so there a 401 means the token pair was
// refused: check IsRefreshRefused first.
func IsUnauthorized(err error) bool {
	e, ok := asAPIError(err)
	if !ok {
		return false
	}
	return e.StatusCode == http.StatusUnauthorized || e.isLoginBlock()
}

// IsRefreshRefused reports whether err is Artifactory declining a refresh:
// a 4xx answer to Refresh, such as 400 invalid_grant, 401, 403 or the 404
// for a refresh token already spent. The caller should mint a new token
// instead. A 408, a 429 and the 403 login block are not refusals but "try
// later", and neither are 5xx answers or transport errors.
func IsRefreshRefused(err error) bool {
	e, ok := asAPIError(err)
	if !ok || e.Op != OpRefresh {
		return false
	}
	switch {
	case e.StatusCode < 400 || e.StatusCode > 499:
		return false
	case e.StatusCode == http.StatusRequestTimeout:
		return false
	case e.StatusCode == http.StatusTooManyRequests:
		return false
	}
	return !e.isLoginBlock()
}

// IsNotRevocable reports whether err says the token cannot be revoked, as
// Artifactory does for short-lived tokens: such a token is left to expire.
func IsNotRevocable(err error) bool {
	e, ok := asAPIError(err)
	if !ok {
		return false
	}
	return strings.Contains(strings.ToLower(e.Message), "not revocable")
}

// RetryAfter returns the wait the server asked for, if it asked for one.
func RetryAfter(err error) (time.Duration, bool) {
	e, ok := asAPIError(err)
	if !ok || e.RetryAfter <= 0 {
		return 0, false
	}
	return e.RetryAfter, true
}

// isLoginBlock reports whether e is the 403 Artifactory answers for a few
// seconds after repeated failed logins.
func (e *APIError) isLoginBlock() bool {
	return e.StatusCode == http.StatusForbidden &&
		strings.Contains(strings.ToLower(e.Message), "recurrent request failure")
}

func asAPIError(err error) (*APIError, bool) {
	var e *APIError
	if !errors.As(err, &e) || e == nil {
		return nil, false
	}
	return e, true
}

// retryAfter reads the Retry-After header of a 429 or 503 answer, given in
// seconds or as an HTTP date. Anything else, or a date already past, is 0.
func retryAfter(status int, h http.Header, now time.Time) time.Duration {
	if status != http.StatusTooManyRequests && status != http.StatusServiceUnavailable {
		return 0
	}
	return parseRetryAfter(h.Get("Retry-After"), now)
}

func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}

	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		return clampRetryAfter(secs, time.Second)
	}
	if t, err := http.ParseTime(v); err == nil {
		return clampRetryAfter(int64(t.Sub(now)), 1)
	}
	return 0
}

// clampRetryAfter turns n units into a duration within [0, maxRetryAfter],
// without overflowing.
func clampRetryAfter(n int64, unit time.Duration) time.Duration {
	switch {
	case n <= 0:
		return 0
	case n >= int64(maxRetryAfter/unit):
		return maxRetryAfter
	}
	return time.Duration(n) * unit
}

// opError wraps err, a transport or decoding failure, with the operation.
func opError(op string, err error) error {
	return fmt.Errorf("artifactory %s: %w", op, err)
}

// invalidRequest is the error for a request refused before it is sent.
func invalidRequest(op, problem string) error {
	return fmt.Errorf("artifactory %s: %w: %s", op, ErrInvalidRequest, problem)
}

// ErrTokenUnknown is wrapped by a revocation the server answered with 404:
// it does not know the token (Access Tokens never stores tokens shorter than
// its persistency threshold), so it cannot revoke it, and the token may be
// live until its expiry.
var ErrTokenUnknown = errors.New("the server does not know the token")

// IsTokenUnknown is true for a revocation of a token the server does not know.
func IsTokenUnknown(err error) bool { return errors.Is(err, ErrTokenUnknown) }
