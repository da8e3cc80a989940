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

// Messages of the Access API kept verbatim, as clients match on them.
const (
	msgUnsupportedBasic = "Unsupported authentication method Basic"
	msgRefreshNotFound  = "Token matching the provided refresh token was not found."
	msgTokenNotFound    = "Token not found"
	msgNotRevocable     = "Token not revocable"
)

// OAuth error codes the legacy token endpoint answers with.
const (
	codeInvalidRequest = "invalid_request"
	codeInvalidGrant   = "invalid_grant"
	codeAccessDenied   = "access_denied"
)

// Error codes of the Access API's bodies.
const (
	accessBadRequest       = "BAD_REQUEST"
	accessUnauthorized     = "UNAUTHORIZED"
	accessForbidden        = "FORBIDDEN"
	accessNotFound         = "NOT_FOUND"
	accessMethodNotAllowed = "METHOD_NOT_ALLOWED"
	accessUnsupportedMedia = "UNSUPPORTED_MEDIA_TYPE"
	accessInternalError    = "INTERNAL_SERVER_ERROR"
)

// apiError is a refusal in one of Artifactory's error shapes. With an
// oauthCode it renders as the legacy token endpoint's
// {"error","error_description"}; with an accessCode as the Access API's
// {"errors":[{"code","message"}]}, or its flat {"code","message","detail"}
// when flat is set; with neither as Artifactory's
// {"errors":[{"status","message"}]}.
type apiError struct {
	status     int
	oauthCode  string
	accessCode string
	flat       bool
	message    string
	detail     string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("%d %s%s: %s", e.status, e.oauthCode, e.accessCode, e.message)
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

// accessError is a refusal in the Access API's {"errors":[...]} shape.
func accessError(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, accessCode: code, message: fmt.Sprintf(format, args...)}
}

// flatAccessError is the Access API's flat {"code","message","detail"}
// shape, which its DELETE answers with.
func flatAccessError(status int, code, message, detail string) *apiError {
	return &apiError{status: status, accessCode: code, flat: true, message: message,
		detail: detail}
}

// asAccessError renders an error of another shape, such as a login
// refusal, in the Access API's shape, keeping its status and message.
func asAccessError(e *apiError) *apiError {
	if e == nil || e.accessCode != "" {
		return e
	}
	return &apiError{status: e.status, accessCode: accessCodeFor(e.status), message: e.message}
}

func accessCodeFor(status int) string {
	switch status {
	case http.StatusBadRequest:
		return accessBadRequest
	case http.StatusUnauthorized:
		return accessUnauthorized
	case http.StatusForbidden:
		return accessForbidden
	case http.StatusNotFound:
		return accessNotFound
	case http.StatusMethodNotAllowed:
		return accessMethodNotAllowed
	case http.StatusUnsupportedMediaType:
		return accessUnsupportedMedia
	}
	return accessInternalError
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

type accessErrorBody struct {
	Errors []accessErrorItem `json:"errors"`
}

type accessErrorItem struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

type flatAccessErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Detail  string `json:"detail"`
}

func writeAPIError(w http.ResponseWriter, e *apiError) {
	if e.status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", authChallenge(e))
	}
	switch {
	case e.oauthCode != "":
		writeJSON(w, e.status, oauthErrorBody{Error: e.oauthCode, Description: e.message})
		return
	case e.flat:
		writeJSON(w, e.status, flatAccessErrorBody{Code: e.accessCode, Message: e.message,
			Detail: e.detail})
		return
	case e.accessCode != "":
		writeJSON(w, e.status, accessErrorBody{
			Errors: []accessErrorItem{{Code: e.accessCode, Message: e.message}},
		})
		return
	}
	writeJSON(w, e.status, artifactoryErrorBody{
		Errors: []artifactoryErrorItem{{Status: e.status, Message: e.message}},
	})
}

// authChallenge is the WWW-Authenticate header of a 401: Artifactory asks
// for Basic credentials, the Access API for a bearer token.
func authChallenge(e *apiError) string {
	if e.accessCode != "" {
		return `Bearer realm="JFrog Access"`
	}
	return `Basic realm="Artifactory Realm"`
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
