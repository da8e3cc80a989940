package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// Messages Artifactory puts in its error bodies, kept verbatim.
const (
	msgBadCredentials = "Bad Credentials"
	msgAuthRequired   = "Authentication is required"
	msgBlocked        = "This request is blocked due to recurrent request " +
		"failures, please try again later."
	msgForbidden = "Forbidden"
)

// OAuth error codes the legacy token endpoint answers with.
const (
	codeInvalidRequest = "invalid_request"
	codeInvalidGrant   = "invalid_grant"
	codeAccessDenied   = "access_denied"
)

// apiError is a refusal in one of Artifactory's error shapes. With an
// oauthCode it renders as the token endpoint's
// {"error","error_description"}; without one as Artifactory's
// {"errors":[{"status","message"}]}.
type apiError struct {
	status    int
	oauthCode string
	message   string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("%d %s: %s", e.status, e.oauthCode, e.message)
}

// invalidRequest is the token endpoint's answer to input it cannot accept.
func invalidRequest(format string, args ...any) *apiError {
	return &apiError{
		status:    http.StatusBadRequest,
		oauthCode: codeInvalidRequest,
		message:   fmt.Sprintf(format, args...),
	}
}

// accessDenied is the token endpoint's answer to a caller asking for more
// than its permissions allow.
func accessDenied(format string, args ...any) *apiError {
	return &apiError{
		status:    http.StatusForbidden,
		oauthCode: codeAccessDenied,
		message:   fmt.Sprintf(format, args...),
	}
}

// artifactoryError is a refusal in Artifactory's own {"errors":[...]} shape.
func artifactoryError(status int, message string) *apiError {
	return &apiError{status: status, message: message}
}

type oauthErrorBody struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

type artifactoryErrorBody struct {
	Errors []artifactoryErrorItem `json:"errors"`
}

type artifactoryErrorItem struct {
	Status  int    `json:"status"`
	Message string `json:"message"`
}

func writeAPIError(w http.ResponseWriter, e *apiError) {
	if e.status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="Artifactory Realm"`)
	}
	if e.oauthCode != "" {
		writeJSON(w, e.status, oauthErrorBody{Error: e.oauthCode, Description: e.message})
		return
	}
	writeJSON(w, e.status, artifactoryErrorBody{
		Errors: []artifactoryErrorItem{{Status: e.status, Message: e.message}},
	})
}

// artifactoryErrorJSON renders the {"errors":[...]} body for a status.
func artifactoryErrorJSON(status int, message string) string {
	body, _ := json.Marshal(artifactoryErrorBody{
		Errors: []artifactoryErrorItem{{Status: status, Message: message}},
	})
	return string(body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		// Only values built by this package reach here; failing to encode
		// one is a bug worth a loud answer.
		http.Error(w, fmt.Sprintf("encode response: %v", err), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func writeText(w http.ResponseWriter, status int, text string) {
	w.Header().Set("Content-Type", "text/plain")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(text))
}
