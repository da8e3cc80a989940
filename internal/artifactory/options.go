package artifactory

import (
	"errors"
	"net/http"
	"time"
)

// Defaults for Options left empty.
const (
	DefaultTimeout   = 30 * time.Second
	DefaultUserAgent = "artifactory-token-operator"
)

// Options configure a Client.
type Options struct {
	// BaseURL is the platform URL, such as https://acme.jfrog.io; it goes
	// through NormalizeBaseURL, so a trailing /artifactory is accepted.
	BaseURL string

	// Credentials authenticate every call except Refresh, where the token
	// pair speaks for itself. Empty credentials are anonymous: enough for
	// Version only.
	Credentials Credentials

	// HTTPClient sends the requests; its connections are reused across
	// calls. Nil uses a client over http.DefaultTransport. Its redirect
	// policy is replaced: a redirect is reported, not followed (see
	// NewLegacy and NewAccess).
	HTTPClient *http.Client

	// Timeout bounds each call, answer included; zero means DefaultTimeout.
	Timeout time.Duration

	// UserAgent is sent with every request; empty means DefaultUserAgent.
	UserAgent string
}

// newTransport checks opts and fills in the defaults.
func newTransport(opts Options) (*transport, error) {
	base, err := NormalizeBaseURL(opts.BaseURL)
	if err != nil {
		return nil, err
	}
	if err := opts.Credentials.validate(); err != nil {
		return nil, err
	}
	if opts.Timeout < 0 {
		return nil, errors.New("artifactory: timeout must not be negative")
	}

	return &transport{
		base:      base,
		creds:     opts.Credentials,
		client:    withoutRedirects(opts.HTTPClient),
		timeout:   orDefault(opts.Timeout, DefaultTimeout),
		userAgent: orDefault(opts.UserAgent, DefaultUserAgent),
		now:       time.Now,
	}, nil
}

// withoutRedirects returns a copy of c that hands redirects back instead of
// following them. A followed redirect turns a POST into a GET, which on
// the token path lists tokens instead of creating one. The copy shares c's
// transport, and so its pool of connections.
func withoutRedirects(c *http.Client) *http.Client {
	var copied http.Client
	if c != nil {
		copied = *c
	}
	copied.CheckRedirect = func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}
	return &copied
}

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}
