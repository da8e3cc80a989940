package emulator

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
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
