package artifactory

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDecodeClaims: any input gives claims or an ErrNotJWT-wrapping error
// that does not repeat it, and never panics.
func FuzzDecodeClaims(f *testing.F) {
	seeds := []string{
		"",
		"a.b.c",
		"..",
		"eyJhbGciOiJSUzI1NiJ9.eyJqdGkiOiJpZCIsImF1ZCI6WyJhIiwiYiJdLCJleHAiOjE3OTYyOTU2MDB9.c2ln",
		"eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJqZnJ0QDAxIiwiaWF0IjoxLjV9.",
		"eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjFlMzAwfQ==.sig",
		"eyJhbGciOiJSUzI1NiJ9.bnVsbA.sig",
		"cmVmdGtuOjAxOjE3MDAwMDAwMDA6QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, token string) {
		claims, err := DecodeClaims(token)
		if err != nil {
			if len(token) >= 100 && strings.Contains(err.Error(), token) {
				t.Errorf("error repeats the token: %v", err)
			}
			return
		}
		if claims.ExpiresAt != nil && claims.ExpiresAt.Year() > 9999 {
			t.Errorf("expiry out of range: %v", claims.ExpiresAt)
		}
	})
}

// FuzzParseErrorBody: any answer gives a short, valid, redacted message,
// and never panics.
func FuzzParseErrorBody(f *testing.F) {
	seeds := []struct{ contentType, body string }{
		{"application/json", `{"errors":[{"status":401,"message":"Bad Credentials"}]}`},
		{"application/json", `{"error":"invalid_request","error_description":"too long"}`},
		{"application/json", `{"errors":[{"code":"NOT_FOUND","message":"a"},{"message":"b"}]}`},
		{"application/json", `{"code":"BAD_REQUEST","message":"not revocable","detail":"d"}`},
		{"application/json", `{"error":{"message":"nested"}}`},
		{"text/plain", "Token revoked"},
		{"text/html", "<html><script>x</script><p>a &amp; b</p></html>"},
		{"", "<p>unterminated"},
		{"", ""},
		{"", "eyJhbGciOiJub25lIn0.eyJ4IjoxfQ.\xff.eyJ"},
	}
	for _, s := range seeds {
		f.Add(s.contentType, []byte(s.body), "s3cret-value")
	}
	f.Fuzz(func(t *testing.T, contentType string, body []byte, secret string) {
		code, msg := parseErrorBody(contentType, body, secret)
		for _, s := range []string{code, msg} {
			if !utf8.ValidString(s) {
				t.Errorf("invalid UTF-8: %q", s)
			}
			if Redact(s) != s {
				t.Errorf("not redacted: %q", s)
			}
			if utf8.RuneCountInString(s) > maxMessageLen+1 {
				t.Errorf("too long: %d characters", utf8.RuneCountInString(s))
			}
		}
		if len(secret) >= 24 && strings.Contains(msg, secret) {
			t.Errorf("message repeats the secret %q: %q", secret, msg)
		}
	})
}
