package artifactory

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Limits on how much of an answer is read: enough for any token or error,
// and a little more to drain so the connection can be reused.
const (
	maxBodyBytes  = 1 << 20
	maxDrainBytes = 64 << 10
)

const versionPath = "/artifactory/api/system/version"

// transport is the HTTP plumbing the token flavours share: URL, auth,
// timeout, and turning error answers into APIErrors.
type transport struct {
	base      string
	creds     Credentials
	client    *http.Client
	timeout   time.Duration
	userAgent string
	now       func() time.Time
}

// call is one request.
type call struct {
	op     string
	method string
	path   string

	// form is sent form-encoded when not nil.
	form url.Values

	// json, when not nil, is sent as a JSON body instead of form.
	json any

	// goneIsUnknown answers a 404 with ErrTokenUnknown, as when revoking a
	// token the server does not know; an HTML page is a plain error, as it
	// comes from a proxy or a missing route rather than the token endpoint.
	goneIsUnknown bool

	// anonymous sends no Authorization header.
	anonymous bool

	// secrets are sent values, beyond the credentials, that must never
	// show in an error.
	secrets []string
}

// do sends c under the transport's timeout and returns the body of a 2xx
// answer. Other answers give an *APIError.
func (t *transport) do(ctx context.Context, c call) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, t.timeout)
	defer cancel()

	req, err := t.newRequest(ctx, c)
	if err != nil {
		return nil, opError(c.op, err)
	}
	resp, err := t.client.Do(req)
	if err != nil {
		return nil, opError(c.op, err)
	}
	body, err := readBody(resp)
	if err != nil {
		return nil, opError(c.op, fmt.Errorf("read answer: %w", err))
	}

	if c.goneIsUnknown && isGone(resp, body) {
		return nil, fmt.Errorf("%w: %w", ErrTokenUnknown, t.apiError(c, resp, body))
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, t.apiError(c, resp, body)
	}
	return body, nil
}

// isGone reports whether resp is the 404 an API gives for an unknown id,
// as opposed to a web page saying the path does not exist.
func isGone(resp *http.Response, body []byte) bool {
	if resp.StatusCode != http.StatusNotFound {
		return false
	}
	text := strings.TrimSpace(string(body))
	return text == "" || !looksLikeHTML(resp.Header.Get("Content-Type"), text)
}

func (t *transport) newRequest(ctx context.Context, c call) (*http.Request, error) {
	body, contentType, err := encodeBody(c)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, c.method, t.base+c.path, body)
	if err != nil {
		return nil, err
	}

	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", t.userAgent)
	if !c.anonymous {
		t.creds.authorize(req.Header)
	}
	return req, nil
}

// encodeBody returns the body c sends and its content type; nil and "" when
// it sends none.
func encodeBody(c call) (io.Reader, string, error) {
	switch {
	case c.json != nil:
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		// Secrets travel as written, not with & < > escaped, so an echo
		// of them is easier to recognise and redact.
		enc.SetEscapeHTML(false)
		if err := enc.Encode(c.json); err != nil {
			return nil, "", fmt.Errorf("encode request: %w", err)
		}
		return &b, "application/json", nil
	case c.form != nil:
		return strings.NewReader(c.form.Encode()), "application/x-www-form-urlencoded", nil
	}
	return nil, "", nil
}

// readBody reads at most maxBodyBytes of the answer, then drains a little
// more and closes it, so that the connection goes back to the pool.
func readBody(resp *http.Response) ([]byte, error) {
	defer func() { _ = resp.Body.Close() }()

	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes))
	if err != nil {
		return nil, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxDrainBytes))
	return body, nil
}

// apiError describes an error answer, keeping out every secret c sent.
func (t *transport) apiError(c call, resp *http.Response, body []byte) *APIError {
	secrets := append(t.creds.secrets(), c.secrets...)
	e := &APIError{
		StatusCode: resp.StatusCode,
		Op:         c.op,
		RetryAfter: retryAfter(resp.StatusCode, resp.Header, t.now()),
	}

	if isRedirect(resp.StatusCode) {
		e.Message = redirectMessage(resp.Header.Get("Location"), secrets)
	} else {
		e.Code, e.Message = parseErrorBody(resp.Header.Get("Content-Type"), body, secrets...)
	}
	if e.Message == "" {
		e.Message = http.StatusText(resp.StatusCode)
	}
	return e
}

func isRedirect(status int) bool {
	return status >= 300 && status <= 399
}

// redirectMessage tells the user to configure the address redirected to.
func redirectMessage(location string, secrets []string) string {
	if location == "" {
		return "redirected; set the Artifactory URL to the address the server redirects to"
	}
	return "redirected to " + cleanText(location, maxHTMLLen, secrets) +
		"; set the Artifactory URL to that address"
}

// version reads GET /artifactory/api/system/version, which both flavours
// share.
func (t *transport) version(ctx context.Context) (string, error) {
	body, err := t.do(ctx, call{op: OpVersion, method: http.MethodGet, path: versionPath})
	if err != nil {
		return "", err
	}

	var answer struct {
		Version string `json:"version"`
	}
	if err := json.Unmarshal(body, &answer); err != nil {
		return "", opError(OpVersion, fmt.Errorf("answer is not JSON: %w", err))
	}
	if answer.Version == "" {
		return "", opError(OpVersion, errors.New("answer has no version"))
	}
	return answer.Version, nil
}
