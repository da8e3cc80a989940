package emulator

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
)

// maxRequestLifetime bounds expires_in, in seconds (about 136 years), so
// that expiry times stay within time.Duration.
const maxRequestLifetime = 1 << 32

// accessFields are the fields of a create or refresh request as text,
// whether they came as JSON or as a form. An empty value counts as absent.
type accessFields struct {
	values map[string]string
	json   bool
}

func (f accessFields) get(name string) string {
	return f.values[name]
}

// readAccessFields reads a JSON or form-encoded body; a body without
// Content-Type is taken for a form, as Artifactory does. Form fields may
// also come in the query.
func readAccessFields(w http.ResponseWriter, r *http.Request) (accessFields, *apiError) {
	mediaType := "application/x-www-form-urlencoded"
	if ct := r.Header.Get("Content-Type"); ct != "" {
		var err error
		if mediaType, _, err = mime.ParseMediaType(ct); err != nil {
			mediaType = ct
		}
	}
	switch mediaType {
	case "application/json":
		return readJSONFields(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	case "application/x-www-form-urlencoded":
		if err := parseFormBody(w, r); err != nil {
			return accessFields{}, accessError(http.StatusBadRequest, accessBadRequest,
				"Malformed form body: %v", err)
		}
		values := map[string]string{}
		for name := range r.Form {
			values[name] = r.Form.Get(name)
		}
		return accessFields{values: values}, nil
	}
	return accessFields{}, accessError(http.StatusUnsupportedMediaType, accessUnsupportedMedia,
		"Content-Type '%s' is not supported: send application/json", mediaType)
}

// readJSONFields reads a JSON object whose values are strings, numbers or
// booleans; like Access, it takes "3600" for 3600 and "true" for true. An
// empty body is an empty object.
func readJSONFields(body io.Reader) (accessFields, *apiError) {
	raw, err := io.ReadAll(body)
	if err != nil {
		return accessFields{}, accessError(http.StatusBadRequest, accessBadRequest,
			"Cannot read the body: %v", err)
	}
	fields := accessFields{values: map[string]string{}, json: true}
	// An empty body asks for every default.
	if len(bytes.TrimSpace(raw)) == 0 {
		return fields, nil
	}

	var object map[string]json.RawMessage
	if err := json.Unmarshal(raw, &object); err != nil {
		return accessFields{}, accessError(http.StatusBadRequest, accessBadRequest,
			"Malformed JSON body: %v", err)
	}
	for name, value := range object {
		text, ok := jsonScalar(value)
		if !ok {
			return accessFields{}, accessError(http.StatusBadRequest, accessBadRequest,
				"Field '%s' must be a string, a number or a boolean", name)
		}
		fields.values[name] = text
	}
	return fields, nil
}

// jsonScalar renders a JSON string, number or boolean as text, and null as
// the empty text; ok is false for objects and arrays.
func jsonScalar(value json.RawMessage) (text string, ok bool) {
	var v any
	if err := json.Unmarshal(value, &v); err != nil {
		return "", false
	}
	switch typed := v.(type) {
	case nil:
		return "", true
	case string:
		return typed, true
	case bool:
		return strconv.FormatBool(typed), true
	case float64:
		// The raw text keeps integers exact, where float64 would not.
		return string(bytes.TrimSpace(value)), true
	}
	return "", false
}

// accessRequest is a create or refresh request to the Access API, each
// field checked for form but not yet for what the caller may ask.
type accessRequest struct {
	grantType    string
	refreshToken string
	accessToken  string

	username       string   // empty: the caller
	scope          []string // nil: the default scope
	lifetime       *int64   // nil: the default lifetime
	refreshable    bool
	audience       []string // nil: the default audience
	description    string
	projectKey     string
	referenceToken bool
	forceRevocable bool
}

// parseAccessRequest checks the fields' form. force_revocable is only read
// from JSON: the Access API ignores it in a form.
func parseAccessRequest(f accessFields) (accessRequest, *apiError) {
	req := accessRequest{
		grantType:    f.get("grant_type"),
		refreshToken: f.get("refresh_token"),
		accessToken:  f.get("access_token"),
		username:     f.get("username"),
		scope:        strings.Fields(f.get("scope")),
		audience:     strings.Fields(f.get("audience")),
		description:  f.get("description"),
		projectKey:   f.get("project_key"),
	}
	if v := f.get("expires_in"); v != "" {
		secs, err := strconv.ParseInt(v, 10, 64)
		if err != nil || secs < 0 || secs > maxRequestLifetime {
			return accessRequest{}, accessError(http.StatusBadRequest, accessBadRequest,
				"expires_in must be a whole number of seconds from 0 to %d, got '%s'",
				maxRequestLifetime, v)
		}
		req.lifetime = &secs
	}

	flags := map[string]*bool{
		"refreshable":             &req.refreshable,
		"include_reference_token": &req.referenceToken,
	}
	// Access reads force_revocable from JSON bodies only.
	if f.json {
		flags["force_revocable"] = &req.forceRevocable
	}
	for name, dst := range flags {
		if err := parseFlag(f, name, dst); err != nil {
			return accessRequest{}, err
		}
	}
	return req, nil
}

func parseFlag(f accessFields, name string, dst *bool) *apiError {
	v := f.get(name)
	if v == "" {
		return nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return accessError(http.StatusBadRequest, accessBadRequest,
			"%s must be true or false, got '%s'", name, v)
	}
	*dst = b
	return nil
}
