package artifactory

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// TestErrorShapes sends Create to servers answering each documented error
// body and checks what the APIError makes of it.
func TestErrorShapes(t *testing.T) {
	longPage := "<!DOCTYPE html><html><head><title>502 Bad Gateway</title>" +
		"<style>body{color:red}</style><script>var x = '<b>';</script></head>" +
		"<body><h1>Bad&nbsp;Gateway</h1><p>" + strings.Repeat("The proxy gave up. ", 40) +
		"</p></body></html>"
	const loginBlock = "This request is blocked due to recurrent request failures, " +
		"please try again later."
	pageText := "502 Bad Gateway Bad Gateway " + strings.Repeat("The proxy gave up. ", 40)

	tests := []struct {
		name        string
		status      int
		contentType string
		header      map[string]string
		body        string
		wantCode    string
		wantMessage string
		wantRetry   time.Duration
		wantError   string
	}{
		{
			name:   "legacy invalid_request",
			status: 400, contentType: "application/json",
			body: `{"error":"invalid_request","error_description":"User ci can only create ` +
				`user token(s) with expiry between 0 and 3600 seconds"}`,
			wantCode: "invalid_request",
			wantMessage: "User ci can only create user token(s) with expiry between 0 and " +
				"3600 seconds",
			wantError: "artifactory create token: 400 invalid_request: User ci can only create " +
				"user token(s) with expiry between 0 and 3600 seconds",
		},
		{
			name:   "Artifactory errors with status",
			status: 401, contentType: "application/json",
			body:        `{"errors":[{"status":401,"message":"Bad Credentials"}]}`,
			wantMessage: "Bad Credentials",
			wantError:   "artifactory create token: 401: Bad Credentials",
		},
		{
			name:   "Access errors with code",
			status: 404, contentType: "application/json",
			body: `{"errors":[{"code":"NOT_FOUND",` +
				`"message":"Token matching the provided refresh token was not found."}]}`,
			wantCode:    "NOT_FOUND",
			wantMessage: "Token matching the provided refresh token was not found.",
		},
		{
			name:   "several errors joined",
			status: 400, contentType: "application/json",
			body: `{"errors":[{"code":"BAD_REQUEST","message":"scope is invalid"},` +
				`{"code":"BAD_REQUEST","message":"expires_in is too long"}]}`,
			wantCode:    "BAD_REQUEST",
			wantMessage: "scope is invalid; expires_in is too long",
		},
		{
			name:   "flat with detail",
			status: 400, contentType: "application/json",
			body: `{"code":"BAD_REQUEST","message":"Token not revocable",` +
				`"detail":"below threshold"}`,
			wantCode:    "BAD_REQUEST",
			wantMessage: "Token not revocable: below threshold",
		},
		{
			name:   "plain text",
			status: 403, contentType: "text/plain",
			body:        loginBlock + "\n",
			wantMessage: loginBlock,
		},
		{
			name:        "empty body gives the status text",
			status:      502,
			wantMessage: "Bad Gateway",
			wantError:   "artifactory create token: 502: Bad Gateway",
		},
		{
			name:        "JSON with nothing known keeps the text",
			status:      500,
			contentType: "application/json",
			body:        `{"foo": "bar"}`,
			wantMessage: `{"foo": "bar"}`,
		},
		{
			name:        "HTML is stripped and shortened",
			status:      502,
			contentType: "text/html",
			body:        longPage,
			wantMessage: pageText[:maxHTMLLen] + "…",
		},
		{
			name:        "429 with Retry-After seconds",
			status:      429,
			header:      map[string]string{"Retry-After": "120"},
			wantMessage: "Too Many Requests",
			wantRetry:   2 * time.Minute,
		},
		{
			name:   "503 with Retry-After date",
			status: 503,
			header: map[string]string{
				"Retry-After": testNow.Add(90 * time.Second).Format(http.TimeFormat),
			},
			wantMessage: "Service Unavailable",
			wantRetry:   90 * time.Second,
		},
		{
			name:        "Retry-After ignored on other statuses",
			status:      400,
			header:      map[string]string{"Retry-After": "120"},
			wantMessage: "Bad Request",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tt.header {
					w.Header().Set(k, v)
				}
				answerText(tt.status, tt.contentType, tt.body)(w, r)
			})
			c := newTestClient(t, Options{BaseURL: srv.URL, Credentials: basicCreds})

			_, err := c.Create(context.Background(), TokenRequest{Username: "ci"})
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("error = %v, want an *APIError", err)
			}
			want := APIError{
				StatusCode: tt.status, Code: tt.wantCode, Message: tt.wantMessage,
				RetryAfter: tt.wantRetry, Op: OpCreate,
			}
			if *apiErr != want {
				t.Errorf("got  %#v\nwant %#v", *apiErr, want)
			}
			if tt.wantError != "" && err.Error() != tt.wantError {
				t.Errorf("Error() = %q\nwant      %q", err.Error(), tt.wantError)
			}
		})
	}
}

func TestParseErrorBody(t *testing.T) {
	tests := []struct {
		name, contentType, body string
		wantCode, wantMessage   string
	}{
		{"bare string items", "", `{"errors":["one","two"]}`, "", "one; two"},
		{"status as text", "", `{"errors":[{"status":"401","message":"Bad"}]}`, "", "Bad"},
		{"nested error object", "", `{"error":{"code":"X","message":"nested"}}`, "X", "nested"},
		{"detail only", "", `{"code":"C","detail":"only detail"}`, "C", "only detail"},
		{"detail repeats message", "", `{"message":"same","detail":"same"}`, "", "same"},
		{"error without description", "", `{"error":"invalid_grant"}`, "invalid_grant", ""},
		{"empty errors array", "", `{"errors":[]}`, "", `{"errors":[]}`},
		{"JSON array", "", `["x"]`, "", `["x"]`},
		{"broken JSON", "application/json", `{"errors":`, "", `{"errors":`},
		{"HTML by sniffing", "", "<html><body><p>a &amp; b</p></body></html>", "", "a & b"},
		{"unterminated tag", "text/html", "<p>kept<br", "", "kept"},
		{"control characters", "", "line one\r\n\tline\x00two", "", "line one line two"},
		{"invalid UTF-8", "", "bad \xff byte", "", "bad \uFFFD byte"},
		{"JWT in text", "", "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln here", "",
			"token [redacted] here"},
		{"long text", "", strings.Repeat("é", 600), "",
			strings.Repeat("é", maxMessageLen) + "…"},
		{"whitespace only", "", " \n\t ", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, msg := parseErrorBody(tt.contentType, []byte(tt.body))
			if code != tt.wantCode || msg != tt.wantMessage {
				t.Errorf("got (%q, %q), want (%q, %q)", code, msg, tt.wantCode, tt.wantMessage)
			}
		})
	}
}

func TestAPIErrorString(t *testing.T) {
	tests := []struct {
		err  *APIError
		want string
	}{
		{&APIError{StatusCode: 400, Code: "invalid_request", Message: "m", Op: OpCreate},
			"artifactory create token: 400 invalid_request: m"},
		{&APIError{StatusCode: 401, Message: "Bad Credentials", Op: OpRevoke},
			"artifactory revoke token: 401: Bad Credentials"},
		{&APIError{StatusCode: 500}, "artifactory: 500"},
		{&APIError{StatusCode: 400, Message: "echo eyJhbGciOiJub25lIn0.eyJ4IjoxfQ.", Op: OpCreate},
			"artifactory create token: 400: echo [redacted]"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

func TestClassifiers(t *testing.T) {
	apiErr := func(op string, status int, msg string) error {
		return fmt.Errorf("wrapped: %w", &APIError{StatusCode: status, Message: msg, Op: op})
	}
	block := "This request is blocked due to recurrent request failures"
	tests := []struct {
		name                                string
		err                                 error
		unauthorized, refused, notRevocable bool
	}{
		{"401", apiErr(OpCreate, 401, "Bad Credentials"), true, false, false},
		{"403 login block", apiErr(OpCreate, 403, block), true, false, false},
		{"403 permission", apiErr(OpCreate, 403, "Forbidden"), false, false, false},
		{"refresh 400 invalid_grant", &APIError{StatusCode: 400, Code: "invalid_grant",
			Op: OpRefresh}, false, true, false},
		{"refresh 401", apiErr(OpRefresh, 401, "Bad"), true, true, false},
		{"refresh 403", apiErr(OpRefresh, 403, "Forbidden"), false, true, false},
		{"refresh 404 spent", apiErr(OpRefresh, 404, "not found"), false, true, false},
		{"refresh 403 login block", apiErr(OpRefresh, 403, block), true, false, false},
		{"refresh 408", apiErr(OpRefresh, 408, ""), false, false, false},
		{"refresh 429", apiErr(OpRefresh, 429, ""), false, false, false},
		{"refresh 500", apiErr(OpRefresh, 500, ""), false, false, false},
		{"create 404 is no refusal", apiErr(OpCreate, 404, ""), false, false, false},
		{"not revocable", apiErr(OpRevoke, 400, "Token Not Revocable"), false, false, true},
		{"transport", fmt.Errorf("artifactory refresh token: %w", context.DeadlineExceeded),
			false, false, false},
		{"nil", nil, false, false, false},
		{"nil APIError", (*APIError)(nil), false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsUnauthorized(tt.err); got != tt.unauthorized {
				t.Errorf("IsUnauthorized = %v, want %v", got, tt.unauthorized)
			}
			if got := IsRefreshRefused(tt.err); got != tt.refused {
				t.Errorf("IsRefreshRefused = %v, want %v", got, tt.refused)
			}
			if got := IsNotRevocable(tt.err); got != tt.notRevocable {
				t.Errorf("IsNotRevocable = %v, want %v", got, tt.notRevocable)
			}
		})
	}
}

func TestRetryAfterHelper(t *testing.T) {
	wrapped := fmt.Errorf("x: %w", &APIError{StatusCode: 429, RetryAfter: time.Minute})
	if d, ok := RetryAfter(wrapped); !ok || d != time.Minute {
		t.Errorf("RetryAfter = %v, %v; want 1m, true", d, ok)
	}
	if d, ok := RetryAfter(&APIError{StatusCode: 429}); ok {
		t.Errorf("RetryAfter without a wait = %v, true; want false", d)
	}
	if _, ok := RetryAfter(errors.New("plain")); ok {
		t.Error("RetryAfter of a plain error is true")
	}
}

func TestParseRetryAfter(t *testing.T) {
	tests := []struct {
		value string
		want  time.Duration
	}{
		{"", 0},
		{"0", 0},
		{"30", 30 * time.Second},
		{" 5 ", 5 * time.Second},
		{"-4", 0},
		{"1.5", 0},
		{"soon", 0},
		{"99999999999999999", maxRetryAfter},
		{"999999999999999999999999", 0}, // not an int64: unreadable
		{testNow.Add(time.Hour).Format(http.TimeFormat), time.Hour},
		{testNow.Add(-time.Hour).Format(http.TimeFormat), 0},
		{testNow.Add(30 * 24 * time.Hour).Format(http.TimeFormat), maxRetryAfter},
		{testNow.Add(2 * time.Minute).Format(time.RFC850), 2 * time.Minute},
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.value, testNow); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.value, got, tt.want)
		}
	}
}

func TestTruncateKeepsValidUTF8(t *testing.T) {
	got := truncate(strings.Repeat("日本", 300), 7)
	if !utf8.ValidString(got) || utf8.RuneCountInString(got) != 8 {
		t.Errorf("truncate = %q", got)
	}
}
