package emulator

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
)

// randomBytes returns n bytes from crypto/rand, which never fails on the
// platforms Go supports (since Go 1.24 it crashes the program instead).
func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

// newUUID returns a random RFC 4122 version 4 identifier, the shape of
// Artifactory's token ids and service ids.
func newUUID() string {
	b := randomBytes(16)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// newRefreshToken returns an opaque refresh token value.
func newRefreshToken() string {
	return hex.EncodeToString(randomBytes(32))
}

// Reference tokens are 64 characters of standard base64 over 48 bytes that
// start "reftkn:01:", hence the prefix every one of them shares.
const (
	referenceTokenLen    = 64
	referenceTokenPrefix = "cmVmd"
	referencePayload     = "reftkn:01:"
	referenceAlphabet    = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
)

// newReferenceToken returns an opaque reference token, the short stand-in
// the Access API hands out next to an access token when asked.
func newReferenceToken() string {
	payload := []byte(referencePayload)
	for _, b := range randomBytes(referenceTokenLen*3/4 - len(referencePayload)) {
		payload = append(payload, referenceAlphabet[int(b)%len(referenceAlphabet)])
	}
	return base64.StdEncoding.EncodeToString(payload)
}

// isReferenceToken tells whether a credential has a reference token's
// shape rather than a JWT's.
func isReferenceToken(v string) bool {
	return len(v) == referenceTokenLen && strings.HasPrefix(v, referenceTokenPrefix)
}
