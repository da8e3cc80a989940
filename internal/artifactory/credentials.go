package artifactory

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode"
)

// Keys of a credentials Secret, as read by CredentialsFromSecretData.
const (
	SecretKeyUsername = "username"
	SecretKeyPassword = "password"
	SecretKeyToken    = "token"
)

// ErrInvalidCredentials is wrapped by every error about the shape of
// credentials. Fixing such an error takes a change to the Secret, not a retry.
var ErrInvalidCredentials = errors.New("invalid credentials")

// expectedKeys ends every credentials error, so the reader knows the fix.
const expectedKeys = `expected the keys "username" and "password", or the key "token"`

// Credentials authenticate the operator to Artifactory: HTTP basic auth when
// Username and Password are set, "Authorization: Bearer" when Token is set.
// The zero value is anonymous, which is enough to read the version only.
//
// String and GoString never show the password or the token, so Credentials
// can be logged by mistake without leaking them.
type Credentials struct {
	Username string
	Password string
	Token    string
}

// CredentialsFromSecretData reads credentials from a Secret's data: either
// the keys username and password, or the key token. Both forms at once,
// neither, an empty value, or half of the pair is an error naming the keys
// expected; values never appear in errors. Keys not named here are ignored,
// so the Secret may carry other data.
//
// A trailing newline, as left by `kubectl create secret --from-file`, is
// dropped from every value; spaces around the username and the token are
// dropped too (neither can contain one), the password is kept as written.
func CredentialsFromSecretData(data map[string][]byte) (Credentials, error) {
	user, hasUser := data[SecretKeyUsername]
	pass, hasPass := data[SecretKeyPassword]
	token, hasToken := data[SecretKeyToken]
	creds := Credentials{
		Username: strings.TrimSpace(string(user)),
		Password: strings.TrimRight(string(pass), "\r\n"),
		Token:    strings.TrimSpace(string(token)),
	}

	if problem := secretKeysProblem(hasUser, hasPass, hasToken); problem != "" {
		return Credentials{}, credentialsError(problem)
	}
	if problem := emptyValueProblem(creds, hasToken); problem != "" {
		return Credentials{}, credentialsError(problem)
	}
	if err := creds.validate(); err != nil {
		return Credentials{}, err
	}
	return creds, nil
}

// secretKeysProblem says what is wrong with the set of keys present, or ""
// when it is one of the two accepted forms.
func secretKeysProblem(hasUser, hasPass, hasToken bool) string {
	switch {
	case hasToken && (hasUser || hasPass):
		return "the Secret holds both basic auth keys and a token"
	case hasToken:
		return ""
	case hasUser && hasPass:
		return ""
	case hasUser:
		return `the Secret has "username" but no "password"`
	case hasPass:
		return `the Secret has "password" but no "username"`
	default:
		return "the Secret holds none of the credential keys"
	}
}

// emptyValueProblem names the key of the form in use whose value is empty,
// so that an empty Secret value is never taken for anonymous access.
func emptyValueProblem(c Credentials, tokenForm bool) string {
	switch {
	case tokenForm && c.Token == "":
		return `"token" is empty`
	case tokenForm:
		return ""
	case c.Username == "":
		return `"username" is empty`
	case c.Password == "":
		return `"password" is empty`
	}
	return ""
}

// validate checks that c is one usable form of credentials, or anonymous.
func (c Credentials) validate() error {
	basic := c.Username != "" || c.Password != ""
	switch {
	case c.Token != "" && basic:
		return credentialsError("both basic auth and a token are set")
	case c.Token != "":
		return validateToken(c.Token)
	case c.Username != "" && c.Password == "":
		return credentialsError(`"password" is empty`)
	case c.Password != "" && c.Username == "":
		return credentialsError(`"username" is empty`)
	case strings.Contains(c.Username, ":"):
		// Basic auth joins the two with a colon: the server would split
		// such a username in the wrong place.
		return credentialsError(`"username" contains ':'`)
	}
	return nil
}

// validateToken refuses tokens that cannot travel in an HTTP header.
func validateToken(token string) error {
	for _, r := range token {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return credentialsError(`"token" contains white space or control characters`)
		}
	}
	return nil
}

// IsAnonymous reports whether c carries no credentials at all.
func (c Credentials) IsAnonymous() bool {
	return c == Credentials{}
}

// String describes the kind of credentials without their secret part.
func (c Credentials) String() string {
	switch {
	case c.Token != "":
		return "bearer token [redacted]"
	case c.Username != "":
		return fmt.Sprintf("basic auth as %q, password [redacted]", c.Username)
	default:
		return "anonymous"
	}
}

// GoString keeps %#v from printing the secret fields.
func (c Credentials) GoString() string {
	return "artifactory.Credentials{" + c.String() + "}"
}

// authorize sets the Authorization header c calls for, if any.
func (c Credentials) authorize(h http.Header) {
	switch {
	case c.Token != "":
		h.Set("Authorization", "Bearer "+c.Token)
	case c.Username != "":
		h.Set("Authorization", "Basic "+c.basicValue())
	}
}

// basicValue is the base64 part of a basic Authorization header.
func (c Credentials) basicValue() string {
	return base64.StdEncoding.EncodeToString([]byte(c.Username + ":" + c.Password))
}

// secrets lists what must never appear in an error: the password, the
// token, and the encoded basic auth header a server might echo.
func (c Credentials) secrets() []string {
	var s []string
	if c.Password != "" {
		s = append(s, c.Password, c.basicValue())
	}
	if c.Token != "" {
		s = append(s, c.Token)
	}
	return s
}

func credentialsError(problem string) error {
	return fmt.Errorf("artifactory: %w: %s; %s", ErrInvalidCredentials, problem, expectedKeys)
}
