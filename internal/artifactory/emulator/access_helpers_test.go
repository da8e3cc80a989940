package emulator_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/artifactory-token-operator/artifactory-token-operator/internal/artifactory/emulator"
)

const (
	accessTokensPath = "/access/api/v1/tokens"
	oneYear          = 365 * 24 * 3600
)

// jsonBody is a request body sent as application/json.
type jsonBody map[string]any

// sendBody makes one request with a body: url.Values go form-encoded,
// jsonBody as JSON, nil as no body.
func sendBody(t *testing.T, s *emulator.Server, method, path string, a auth,
	body any) response {
	t.Helper()
	var reader io.Reader
	contentType := ""
	switch b := body.(type) {
	case nil:
	case url.Values:
		reader, contentType = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	case jsonBody:
		encoded, err := json.Marshal(b)
		if err != nil {
			t.Fatalf("encode %v: %v", b, err)
		}
		reader, contentType = strings.NewReader(string(encoded)), "application/json"
	default:
		t.Fatalf("unsupported body type %T", body)
	}
	req, err := http.NewRequest(method, s.URL()+path, reader)
	if err != nil {
		t.Fatalf("build request: %v", err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if a != nil {
		a(req)
	}
	return roundTrip(t, req)
}

// accessAnswer is the Access API's create/refresh answer, with expires_in
// a pointer so a missing field shows.
type accessAnswer struct {
	TokenID        string `json:"token_id"`
	AccessToken    string `json:"access_token"`
	RefreshToken   string `json:"refresh_token"`
	ExpiresIn      *int64 `json:"expires_in"`
	Scope          string `json:"scope"`
	TokenType      string `json:"token_type"`
	ReferenceToken string `json:"reference_token"`
}

// mustAccessToken posts body to the Access API and decodes the 200 answer.
func mustAccessToken(t *testing.T, s *emulator.Server, a auth, body any) accessAnswer {
	t.Helper()
	resp := sendBody(t, s, http.MethodPost, accessTokensPath, a, body)
	if resp.status != http.StatusOK {
		t.Fatalf("Access token request %v: status %d, body %s", body, resp.status, resp.body)
	}
	var answer accessAnswer
	decodeJSON(t, resp.body, &answer)
	if answer.AccessToken == "" || answer.TokenID == "" || answer.TokenType != "Bearer" {
		t.Fatalf("Access answer lacks access_token, token_id or token_type Bearer: %s",
			resp.body)
	}
	return answer
}

// adminToken mints a long-lived Access token for the admin, the usual
// credential for the Access API.
func adminToken(t *testing.T, s *emulator.Server) string {
	t.Helper()
	return legacyToken(t, s, asAdmin, form("expires_in", "0"))
}

// createFor has admin create an Access token for user.
func createFor(t *testing.T, s *emulator.Server, admin auth, user string,
	body any) accessAnswer {
	t.Helper()
	switch b := body.(type) {
	case jsonBody:
		b["username"] = user
	case url.Values:
		b.Set("username", user)
	}
	return mustAccessToken(t, s, admin, body)
}

// legacyToken mints a token on the legacy endpoint, which takes Basic.
func legacyToken(t *testing.T, s *emulator.Server, a auth, f url.Values) string {
	t.Helper()
	return mustToken(t, s, a, f).AccessToken
}

// wantAccessError checks a {"errors":[{"code","message"}]} answer whose
// message contains messagePart.
func wantAccessError(t *testing.T, resp response, status int, code, messagePart string) {
	t.Helper()
	if resp.status != status {
		t.Fatalf("status = %d, want %d (body %s)", resp.status, status, resp.body)
	}
	var body struct {
		Errors []struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"errors"`
	}
	decodeJSON(t, resp.body, &body)
	if len(body.Errors) != 1 || body.Errors[0].Code != code ||
		!strings.Contains(body.Errors[0].Message, messagePart) {
		t.Errorf("body = %s, want one error with code %s and a message containing %q",
			resp.body, code, messagePart)
	}
}

// accessErrorJSON is the exact {"errors":[{"code","message"}]} body.
func accessErrorJSON(code, message string) string {
	return `{"errors":[{"code":` + quote(code) + `,"message":` + quote(message) + `}]}`
}

// recordByID finds the emulator's record of a token id.
func recordByID(t *testing.T, s *emulator.Server, id string) emulator.TokenRecord {
	t.Helper()
	for _, r := range s.Tokens() {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("no record with id %s among %d", id, len(s.Tokens()))
	return emulator.TokenRecord{}
}
