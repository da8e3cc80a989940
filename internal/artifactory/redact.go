package artifactory

import (
	"cmp"
	"encoding/json"
	"html"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// redacted replaces every secret Redact and RedactValues find.
const redacted = "[redacted]"

// minSecretLen is the shortest value RedactValues replaces. Shorter values
// would turn up inside ordinary words, and the gaps would give them away.
const minSecretLen = 4

var (
	// jwtPattern matches three base64url segments, the first a JSON object
	// (which always encodes to "eyJ"). The signature may be empty.
	jwtPattern = regexp.MustCompile(`eyJ[A-Za-z0-9_=-]*\.[A-Za-z0-9_=-]+\.[A-Za-z0-9_=-]*`)

	// referencePattern matches Artifactory reference tokens: "cmVmd" (the
	// base64 of "ref") and at least 59 more base64 characters.
	referencePattern = regexp.MustCompile(`cmVmd[A-Za-z0-9+/_-]{59,}={0,2}`)
)

// Redact replaces whatever looks like an access token in s with
// "[redacted]": JWTs and reference tokens.
func Redact(s string) string {
	s = jwtPattern.ReplaceAllLiteralString(s, redacted)
	return referencePattern.ReplaceAllLiteralString(s, redacted)
}

// RedactValues replaces each of secrets in s, also URL-, HTML- and
// JSON-escaped as a server may echo them, then applies Redact. Values
// shorter than four characters are not replaced: they would match inside
// ordinary words.
func RedactValues(s string, secrets ...string) string {
	for _, v := range secretVariants(secrets) {
		s = strings.ReplaceAll(s, v, redacted)
	}
	return Redact(s)
}

// secretVariants lists the forms of secrets worth looking for, longest
// first, so a secret containing another is replaced whole.
func secretVariants(secrets []string) []string {
	var out []string
	for _, s := range secrets {
		if len(s) < minSecretLen {
			continue
		}
		out = append(out, s, url.QueryEscape(s), url.PathEscape(s), html.EscapeString(s))
		out = append(out, jsonEscapes(s)...)
	}
	slices.SortFunc(out, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	return slices.Compact(out)
}

// jsonEscapes lists the forms s takes inside a JSON string, as encoders
// differ: with & < > as \u escapes (Go's default) or not, and with the
// slash escaped or not.
func jsonEscapes(s string) []string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	plain := jsonContent(b.String())

	quoted, _ := json.Marshal(s)
	escaped := jsonContent(string(quoted))

	return []string{
		plain, escaped,
		strings.ReplaceAll(plain, "/", `\/`), strings.ReplaceAll(escaped, "/", `\/`),
	}
}

// jsonContent strips the quotes, and the newline an Encoder adds, from an
// encoded JSON string.
func jsonContent(encoded string) string {
	encoded = strings.TrimSuffix(encoded, "\n")
	return encoded[1 : len(encoded)-1]
}
