package artifactory

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// NormalizeBaseURL turns what a user wrote as the Artifactory URL into the
// platform base URL the client appends paths to. It trims spaces and
// trailing slashes and strips a trailing /artifactory, so
// "https://acme.jfrog.io/artifactory/" becomes "https://acme.jfrog.io".
// A path prefix before it is kept, for servers behind a proxy.
//
// The scheme must be http or https and there must be a host. Credentials in
// the URL, a query or a fragment are refused: credentials belong in the
// Secret, and the others would break the paths appended.
func NormalizeBaseURL(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", errors.New("artifactory: base URL is empty")
	}

	u, err := url.Parse(s)
	if err != nil {
		return "", fmt.Errorf("artifactory: base URL: %w", withoutInput(err))
	}
	if err := checkBaseURL(u); err != nil {
		return "", fmt.Errorf("artifactory: base URL %q: %w", u.Redacted(), err)
	}

	path := strings.TrimRight(u.EscapedPath(), "/")
	path = strings.TrimSuffix(path, "/artifactory")
	path = strings.TrimRight(path, "/")
	return u.Scheme + "://" + strings.ToLower(u.Host) + path, nil
}

// checkBaseURL says why u cannot serve as a base URL, or nil.
func checkBaseURL(u *url.URL) error {
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return errors.New("scheme must be http or https, as in https://acme.jfrog.io")
	case u.User != nil:
		return errors.New("must not contain credentials; put them in the credentials Secret")
	case u.Host == "" || u.Hostname() == "":
		return errors.New("has no host")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return errors.New("must not have a query or a fragment")
	}
	return nil
}

// withoutInput drops the raw input from a url.Parse error: it may hold a
// password, as in https://user:secret@host.
func withoutInput(err error) error {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		return urlErr.Err
	}
	return err
}
