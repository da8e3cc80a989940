package emulator

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// maxBodyBytes bounds request bodies; Artifactory's token requests are tiny.
const maxBodyBytes = 1 << 20

// Call is one request the emulator answered.
type Call struct {
	// Method and Path of the request (the path without its query).
	Method, Path string
	// Status answered, an injected fault's status included.
	Status int
	// GrantType of a token request (a POST to the legacy token endpoint
	// or, when served, to the Access API's): the grant_type sent, in the
	// query, a form or a JSON body, or client_credentials when it sent
	// none. Empty for other requests.
	GrantType string
	// Time the call was answered, on the emulator's clock.
	Time time.Time
}

type callLog struct {
	mu    sync.Mutex
	calls []Call
}

func (cl *callLog) add(c Call) {
	cl.mu.Lock()
	defer cl.mu.Unlock()

	cl.calls = append(cl.calls, c)
}

func (cl *callLog) all() []Call {
	cl.mu.Lock()
	defer cl.mu.Unlock()

	return append([]Call(nil), cl.calls...)
}

// Calls returns every request answered, in order, including those an
// injected fault answered. Requests dropped by an outage, abandoned during
// latency, or sent to the /_emulator control endpoints are not listed.
func (s *Server) Calls() []Call {
	return s.calls.all()
}

// CountCalls counts the answered requests with this method (any when
// empty) whose path starts with pathPrefix.
func (s *Server) CountCalls(method, pathPrefix string) int {
	n := 0
	for _, c := range s.calls.all() {
		if (method == "" || strings.EqualFold(c.Method, method)) &&
			strings.HasPrefix(c.Path, pathPrefix) {
			n++
		}
	}
	return n
}

// isTokenEndpoint tells whether a POST to the path mints tokens, so that
// its calls carry a grant type.
func (s *Server) isTokenEndpoint(method, path string) bool {
	return method == http.MethodPost &&
		(path == legacyTokenPath || (s.accessAPI && path == accessTokensPath))
}

// grantTypeOf reads the grant_type of a token request without consuming
// the body the handler will read.
func (s *Server) grantTypeOf(r *http.Request) string {
	// Only token requests have a grant type.
	if !s.isTokenEndpoint(r.Method, r.URL.Path) {
		return ""
	}

	grant := r.URL.Query().Get("grant_type")
	if grant == "" {
		grant = grantTypeInBody(r.Header.Get("Content-Type"), peekBody(r))
	}
	if grant == "" {
		grant = grantClientCredentials
	}
	return grant
}

// peekBody reads up to maxBodyBytes of the body and puts it back.
func peekBody(r *http.Request) []byte {
	if r.Body == nil {
		return nil
	}
	head, _ := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes))
	r.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(head), r.Body), r.Body}
	return head
}

func grantTypeInBody(contentType string, body []byte) string {
	mediaType, _, _ := mime.ParseMediaType(contentType)
	switch mediaType {
	case "application/json":
		var fields struct {
			GrantType string `json:"grant_type"`
		}
		_ = json.Unmarshal(body, &fields)
		return fields.GrantType
	case "application/x-www-form-urlencoded", "":
		form, _ := url.ParseQuery(string(body))
		return form.Get("grant_type")
	}
	return ""
}

// statusRecorder remembers the status a handler answered.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (sr *statusRecorder) WriteHeader(status int) {
	if sr.status == 0 {
		sr.status = status
	}
	sr.ResponseWriter.WriteHeader(status)
}

func (sr *statusRecorder) Write(b []byte) (int, error) {
	if sr.status == 0 {
		sr.status = http.StatusOK
	}
	return sr.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection underneath.
func (sr *statusRecorder) Unwrap() http.ResponseWriter {
	return sr.ResponseWriter
}

func (sr *statusRecorder) answered() int {
	if sr.status == 0 {
		return http.StatusOK
	}
	return sr.status
}
