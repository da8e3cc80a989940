package artifactory

import (
	"bytes"
	"encoding/json"
	"html"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on what an error keeps of a server's answer, in characters.
const (
	maxMessageLen = 500
	maxHTMLLen    = 200
	maxCodeLen    = 64
)

// parseErrorBody pulls an error code and message out of an error answer,
// whatever its shape: Artifactory's {"errors":[{"status","message"}]}, the
// legacy token endpoint's {"error","error_description"}, Access's
// {"errors":[{"code","message"}]} and flat {"code","message","detail"},
// plain text, or an HTML page from a proxy. Both come back redacted of
// tokens and of secrets, cleaned of control characters and shortened.
// An empty body gives an empty message.
func parseErrorBody(contentType string, body []byte, secrets ...string) (code, msg string) {
	text := strings.TrimSpace(string(body))
	if text == "" {
		return "", ""
	}

	if code, msg, ok := parseJSONError([]byte(text)); ok {
		return cleanText(code, maxCodeLen, secrets), cleanText(msg, maxMessageLen, secrets)
	}
	if looksLikeHTML(contentType, text) {
		return "", cleanText(htmlText(text), maxHTMLLen, secrets)
	}
	return "", cleanText(text, maxMessageLen, secrets)
}

// parseJSONError reads the JSON error shapes; ok is false when body is not
// JSON or none of the known fields holds anything.
func parseJSONError(body []byte) (code, msg string, ok bool) {
	if len(body) == 0 || body[0] != '{' {
		return "", "", false
	}

	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil {
		return "", "", false
	}
	if code, msg := errorsArray(obj["errors"]); code != "" || msg != "" {
		return code, msg, true
	}
	if code, msg := oauthError(obj); code != "" || msg != "" {
		return code, msg, true
	}
	if code, msg := flatError(obj); code != "" || msg != "" {
		return code, msg, true
	}
	return "", "", false
}

// errorsArray reads {"errors":[...]}: the messages joined with "; ", and
// the first code found. An item may also be a bare string.
func errorsArray(raw json.RawMessage) (code, msg string) {
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return "", ""
	}

	var msgs []string
	for _, item := range items {
		itemCode, itemMsg := errorItem(item)
		if code == "" {
			code = itemCode
		}
		if itemMsg != "" {
			msgs = append(msgs, itemMsg)
		}
	}
	return code, strings.Join(msgs, "; ")
}

// errorItem reads one element of an errors array.
func errorItem(raw json.RawMessage) (code, msg string) {
	if s := jsonString(raw); s != "" {
		return "", s
	}

	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return "", ""
	}
	return flatError(obj)
}

// oauthError reads the legacy token endpoint's OAuth-style
// {"error":"invalid_request","error_description":"..."}.
func oauthError(obj map[string]json.RawMessage) (code, msg string) {
	code = jsonString(obj["error"])
	msg = jsonString(obj["error_description"])
	if code != "" || msg != "" {
		return code, msg
	}

	// Some gateways nest an object under "error" instead.
	var nested map[string]json.RawMessage
	if err := json.Unmarshal(obj["error"], &nested); err != nil {
		return "", ""
	}
	return flatError(nested)
}

// flatError reads {"code","message","detail"}; the detail follows the
// message when it adds something.
func flatError(obj map[string]json.RawMessage) (code, msg string) {
	code = jsonString(obj["code"])
	msg = jsonString(obj["message"])
	detail := jsonString(obj["detail"])
	switch {
	case detail == "" || detail == msg:
	case msg == "":
		msg = detail
	default:
		msg += ": " + detail
	}
	return code, msg
}

// jsonString returns raw as text when it is a JSON string or number, and ""
// for anything else.
func jsonString(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}

	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return strings.TrimSpace(s)
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err == nil {
		return n.String()
	}
	return ""
}

// looksLikeHTML reports whether an answer is a web page rather than text.
func looksLikeHTML(contentType, text string) bool {
	if strings.Contains(strings.ToLower(contentType), "html") {
		return true
	}
	return strings.HasPrefix(text, "<")
}

// htmlText returns the text of an HTML page, without its tags, scripts and
// styles, entities decoded.
func htmlText(page string) string {
	var b strings.Builder
	skipping := "" // the element whose content is dropped, if any
	for page != "" {
		lt := strings.IndexByte(page, '<')
		if lt < 0 {
			if skipping == "" {
				b.WriteString(page)
			}
			break
		}
		if skipping == "" {
			b.WriteString(page[:lt])
		}

		gt := strings.IndexByte(page[lt:], '>')
		if gt < 0 {
			break // an unterminated tag: the rest is not text
		}
		name := tagName(page[lt+1 : lt+gt])
		page = page[lt+gt+1:]
		b.WriteByte(' ')

		switch {
		case skipping != "" && name == "/"+skipping:
			skipping = ""
		case skipping == "" && (name == "script" || name == "style"):
			skipping = name
		}
	}
	return html.UnescapeString(b.String())
}

// tagName returns the lowercased name of a tag from what lies between its
// angle brackets, keeping the slash of a closing tag: "/script".
func tagName(tag string) string {
	prefix := ""
	if strings.HasPrefix(tag, "/") {
		prefix, tag = "/", tag[1:]
	}
	end := strings.IndexFunc(tag, func(r rune) bool {
		return unicode.IsSpace(r) || r == '/'
	})
	if end >= 0 {
		tag = tag[:end]
	}
	return prefix + strings.ToLower(tag)
}

// cleanText makes server text fit for an error message: secrets removed,
// invalid UTF-8 and control characters replaced, runs of white space
// collapsed, tokens redacted, and at most limit characters kept.
func cleanText(s string, limit int, secrets []string) string {
	s = RedactValues(s, secrets...)
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(controlToSpace, s)
	s = strings.Join(strings.Fields(s), " ")
	return truncate(Redact(s), limit)
}

func controlToSpace(r rune) rune {
	if unicode.IsControl(r) {
		return ' '
	}
	return r
}

// truncate keeps the first limit characters of s, marking a cut with "…".
func truncate(s string, limit int) string {
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	runes := []rune(s)
	return strings.TrimSpace(string(runes[:limit])) + "…"
}
