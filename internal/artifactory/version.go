package artifactory

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
)

// Names of the token APIs, as PickAPI returns them. They match the values
// of the api field of an Artifactory object.
const (
	apiLegacy       = "Legacy"
	apiAccessTokens = "AccessTokens"
)

// maxVersionLen bounds how much of a bad version string an error repeats.
const maxVersionLen = 64

// AccessTokensSince is the first Artifactory version with the Access
// Tokens API under /access/api/v1/tokens.
var AccessTokensSince = Version{Major: 7, Minor: 21, Patch: 1}

// Version is an Artifactory version such as 7.90.0.
type Version struct {
	Major, Minor, Patch int
}

// ParseVersion reads a version as Artifactory reports it, such as "7.90.0".
// Spaces around it are ignored, and so is a pre-release or build suffix
// after "-" or "+": "7.21.1-rc1" reads as 7.21.1, on the view that a
// candidate for a release already has that release's endpoints. Anything
// but three dot-separated decimal numbers is an error.
func ParseVersion(s string) (Version, error) {
	core := strings.TrimSpace(s)
	if i := strings.IndexAny(core, "-+"); i >= 0 {
		core = core[:i]
	}

	parts := strings.Split(core, ".")
	if len(parts) != 3 {
		return Version{}, badVersion(s)
	}
	var nums [3]int
	for i, p := range parts {
		n, ok := versionNumber(p)
		if !ok {
			return Version{}, badVersion(s)
		}
		nums[i] = n
	}
	return Version{Major: nums[0], Minor: nums[1], Patch: nums[2]}, nil
}

// versionNumber reads one part of a version: decimal digits only, so no
// sign, and short enough not to overflow.
func versionNumber(p string) (int, bool) {
	if p == "" || len(p) > 9 {
		return 0, false
	}
	for _, r := range p {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(p)
	return n, err == nil
}

func badVersion(s string) error {
	return fmt.Errorf("artifactory: version %q is not of the form MAJOR.MINOR.PATCH",
		cleanText(s, maxVersionLen, nil))
}

// AtLeast reports whether v is o or later.
func (v Version) AtLeast(o Version) bool {
	return v.compare(o) >= 0
}

func (v Version) compare(o Version) int {
	if c := cmp.Compare(v.Major, o.Major); c != 0 {
		return c
	}
	if c := cmp.Compare(v.Minor, o.Minor); c != 0 {
		return c
	}
	return cmp.Compare(v.Patch, o.Patch)
}

// String gives the version as "7.90.0".
func (v Version) String() string {
	return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch)
}

// PickAPI names the token API to use with a server of this version, as
// read by Client.Version: "AccessTokens" from AccessTokensSince on,
// "Legacy" before. A version ParseVersion cannot read is an error.
func PickAPI(version string) (api string, err error) {
	v, err := ParseVersion(version)
	if err != nil {
		return "", err
	}

	if v.AtLeast(AccessTokensSince) {
		return apiAccessTokens, nil
	}
	return apiLegacy, nil
}
