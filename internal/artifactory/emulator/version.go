package emulator

import (
	"strconv"
	"strings"
)

// release is an Artifactory version as major, minor and patch numbers.
type release [3]int

// Versions from which Artifactory behaves as the emulator plays it.
var (
	sinceAccessTokensAPI   = release{7, 21, 1}  // POST /access/api/v1/tokens and friends
	sinceAccessRefresh     = release{7, 37, 9}  // grant_type=refresh_token on the Access API
	sinceReferenceTokens   = release{7, 38, 10} // include_reference_token
	sinceNonExpiringAccess = release{7, 42, 1}  // expires_in=0 no longer capped to the default
	sinceForceRevocable    = release{7, 50, 3}  // force_revocable
	sinceAccessBasicAuth   = release{7, 63, 2}  // Basic credentials on the Access API
)

// parseRelease reads "7.90.0"; a suffix after the patch number
// ("7.90.0-rc1") is ignored. ok is false for anything else.
func parseRelease(version string) (rel release, ok bool) {
	parts := strings.SplitN(version, ".", 3)
	if len(parts) != 3 {
		return release{}, false
	}
	parts[2], _, _ = strings.Cut(parts[2], "-")
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return release{}, false
		}
		rel[i] = n
	}
	return rel, true
}

// atLeast tells whether rel is since or later.
func (rel release) atLeast(since release) bool {
	for i := range rel {
		if rel[i] != since[i] {
			return rel[i] > since[i]
		}
	}
	return true
}

// supports tells whether the emulated version has a feature added in
// since. A version the emulator cannot read counts as the newest, so a
// made-up version such as "dev" plays a current server.
func (s *Server) supports(since release) bool {
	return !s.releaseKnown || s.release.atLeast(since)
}
