package secret

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"time"

	"github.com/artifactory-token-operator/artifactory-token-operator/internal/artifactory"
)

// Data keys of the token Secret, as the API contract names them.
const (
	KeyAccessToken  = "access_token"
	KeyTokenType    = "token_type"
	KeyScope        = "scope"
	KeyExpiresIn    = "expires_in"
	KeyRefreshToken = "refresh_token"
	KeyUsername     = "username"
	KeyURL          = "url"
	KeyExpiresAt    = "expires_at"
)

// Metadata the operator puts on the token Secret.
const (
	// TokenLabel carries the ArtifactoryToken's name; the manager's cache
	// holds only Secrets with this label.
	TokenLabel = "artifactory.token-operator.dev/token"

	// DataHashAnnotation is the hash of the data as the operator wrote it.
	DataHashAnnotation = "artifactory.token-operator.dev/data-hash"

	// SpecHashAnnotation is the hash of the spec fields the token was minted for.
	SpecHashAnnotation = "artifactory.token-operator.dev/spec-hash"

	// TokenIDAnnotation and IssuedAtAnnotation record the live token, so a
	// restarted manager, or one whose status write was lost, finds them.
	TokenIDAnnotation  = "artifactory.token-operator.dev/token-id"
	IssuedAtAnnotation = "artifactory.token-operator.dev/issued-at"

	// ReplacesAnnotation names the token this one replaced, so that its
	// revocation is not lost when the status write that records it fails.
	ReplacesAnnotation = "artifactory.token-operator.dev/replaces"
)

// tokenKeys are the keys the operator writes; the data hash covers these
// alone, so a key someone adds beside them is not taken for tampering.
var tokenKeys = []string{
	KeyAccessToken, KeyExpiresAt, KeyExpiresIn, KeyRefreshToken,
	KeyScope, KeyTokenType, KeyURL, KeyUsername,
}

// Data is the Secret data for an issued token.
func Data(tok *artifactory.IssuedToken, username, url string) map[string][]byte {
	data := map[string][]byte{
		KeyAccessToken: []byte(tok.AccessToken),
		KeyTokenType:   []byte(tok.TokenType),
		KeyScope:       []byte(tok.Scope),
		KeyExpiresIn:   []byte(expiresIn(tok)),
		KeyUsername:    []byte(username),
		KeyURL:         []byte(url),
	}
	if tok.RefreshToken != "" {
		data[KeyRefreshToken] = []byte(tok.RefreshToken)
	}
	if tok.ExpiresAt != nil {
		data[KeyExpiresAt] = []byte(tok.ExpiresAt.UTC().Format(time.RFC3339))
	}
	return data
}

// expiresIn is expires_in as Artifactory returned it; an answer without one
// is a token with no expiry, written as 0 the way Artifactory spells "never".
func expiresIn(tok *artifactory.IssuedToken) string {
	if tok.ExpiresIn == nil {
		return "0"
	}
	return strconv.FormatInt(*tok.ExpiresIn, 10)
}

// DataHash is a SHA-256 over the operator's keys of data and their values,
// in key order; a missing key hashes differently from an empty one. It
// cannot be turned back into the token, and changes when any of those keys
// is edited, added or removed.
func DataHash(data map[string][]byte) string {
	h := sha256.New()
	for _, k := range tokenKeys {
		v, ok := data[k]
		if !ok {
			continue
		}
		writeField(h, []byte(k))
		writeField(h, v)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Annotations are the Secret's annotations for an issued token.
// Annotations are the Secret's annotations for an issued token; replaces is
// the id of the token it replaced, if any.
func Annotations(tok *artifactory.IssuedToken, data map[string][]byte, specHash, replaces string,
) map[string]string {
	a := map[string]string{
		DataHashAnnotation: DataHash(data),
		SpecHashAnnotation: specHash,
		TokenIDAnnotation:  tok.TokenID,
		IssuedAtAnnotation: tok.IssuedAt.UTC().Format(time.RFC3339),
	}
	if replaces != "" {
		a[ReplacesAnnotation] = replaces
	}
	return a
}

// Record is the live token as a Secret the operator wrote records it.
type Record struct {
	TokenID     string
	Replaces    string
	IssuedAt    time.Time
	ExpiresAt   *time.Time
	DataMatches bool
	SpecHash    string
}

// ReadRecord reads the token record from a Secret's annotations and data.
// Unreadable times count as tampering: DataMatches is false.
func ReadRecord(annotations map[string]string, data map[string][]byte) Record {
	rec := Record{
		TokenID:     annotations[TokenIDAnnotation],
		Replaces:    annotations[ReplacesAnnotation],
		SpecHash:    annotations[SpecHashAnnotation],
		DataMatches: annotations[DataHashAnnotation] == DataHash(data),
	}

	issuedAt, err := time.Parse(time.RFC3339, annotations[IssuedAtAnnotation])
	if err != nil {
		rec.DataMatches = false
	}
	rec.IssuedAt = issuedAt

	if raw, ok := data[KeyExpiresAt]; ok {
		expiresAt, err := time.Parse(time.RFC3339, string(raw))
		if err != nil {
			rec.DataMatches = false
		}
		rec.ExpiresAt = &expiresAt
	}
	return rec
}

// Shape is what a token is minted for; a change to any of it needs a new
// token. Fields that only steer the operator (renewBefore, revocation) are
// not part of it.
type Shape struct {
	ArtifactoryKind string `json:"artifactoryKind"`
	ArtifactoryName string `json:"artifactoryName"`
	Username        string `json:"username"`
	Scope           string `json:"scope"`
	ExpiresIn       string `json:"expiresIn"`
	Refreshable     bool   `json:"refreshable"`
	Audience        string `json:"audience"`
	URL             string `json:"url"`
}

// Hash is a stable hash of the shape.
func (s Shape) Hash() string {
	b, err := json.Marshal(s)
	if err != nil {
		// A struct of strings and a bool always marshals.
		panic(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

type byteWriter interface{ Write(p []byte) (int, error) }

// writeField writes a length-prefixed field, so that no two different
// maps hash alike by moving bytes between a key and a value.
func writeField(w byteWriter, b []byte) {
	_, _ = w.Write([]byte(strconv.Itoa(len(b)) + ":"))
	_, _ = w.Write(b)
}
