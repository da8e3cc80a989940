package artifactory

import (
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	jwt := "eyJ2ZXIiOiIyIiwidHlwIjoiSldUIn0.eyJzdWIiOiJqZnJ0QDAxL3VzZXJzL2NpIn0.QUJD-_xyz"
	reference := "cmVmdGtuOjAxOjE3MDAwMDAwMDA6" + strings.Repeat("aB9+/", 8)[:36]
	shortRef := "cmVmd" + strings.Repeat("A", 58)
	tests := []struct {
		name, in, want string
	}{
		{"JWT", "token " + jwt + " refused", "token [redacted] refused"},
		{"JWT in JSON", `{"access_token":"` + jwt + `"}`, `{"access_token":"[redacted]"}`},
		{"JWT without signature", "none eyJhbGciOiJub25lIn0.eyJ4IjoxfQ.", "none [redacted]"},
		{"Bearer header", "Authorization: Bearer " + jwt, "Authorization: Bearer [redacted]"},
		{"two JWTs", jwt + "," + jwt, "[redacted],[redacted]"},
		{"reference token", "ref " + reference + ".", "ref [redacted]."},
		{"short ref prefix", "cmVmdGtu is short", "cmVmdGtu is short"},
		{"reference-like but too short", shortRef, shortRef},
		{"two-part dotted text", "eyJhbGc.eyJzdWI", "eyJhbGc.eyJzdWI"},
		{"version numbers", "Artifactory 7.90.0 rev 79000900", "Artifactory 7.90.0 rev 79000900"},
		{"plain message", "Bad Credentials", "Bad Credentials"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Redact(tt.in); got != tt.want {
				t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestRedactValues(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		secrets []string
		want    string
	}{
		{"password", "wrong password s3cret!x for admin", []string{"s3cret!x"},
			"wrong password [redacted] for admin"},
		{"query-escaped echo", "body: password=s3cret%21x%26y", []string{"s3cret!x&y"},
			"body: password=[redacted]"},
		{"HTML-escaped echo", "<p>s3cret&amp;y</p>", []string{"s3cret&y"}, "<p>[redacted]</p>"},
		{"JSON-escaped echo", `{"t":"s3cret\u0026y/z"}`, []string{"s3cret&y/z"},
			`{"t":"[redacted]"}`},
		{"JSON-escaped slash", `{"t":"s3cret&y\/z"}`, []string{"s3cret&y/z"},
			`{"t":"[redacted]"}`},
		{"JSON-escaped quote", `{"t":"a\"b\\cd"}`, []string{`a"b\cd`}, `{"t":"[redacted]"}`},
		{"longest first", "abcdefgh", []string{"abcd", "abcdefgh"}, "[redacted]"},
		{"short values left alone", "Bad Credentials", []string{"a", "Cr"}, "Bad Credentials"},
		{"empty secret", "text", []string{""}, "text"},
		{"also redacts tokens", "x eyJhbGciOiJub25lIn0.eyJ4IjoxfQ.sig", []string{"nothere"},
			"x [redacted]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RedactValues(tt.in, tt.secrets...); got != tt.want {
				t.Errorf("RedactValues = %q, want %q", got, tt.want)
			}
		})
	}
}
