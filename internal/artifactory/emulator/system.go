package emulator

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// Paths of the system endpoints.
const (
	versionPath   = "/artifactory/api/system/version"
	serviceIDPath = "/artifactory/api/system/service_id"
	pingPath      = "/artifactory/api/system/ping"
)

func (s *Server) systemRoutes() []route {
	return []route{
		{http.MethodGet, versionPath, s.handleVersion},
		{http.MethodGet, serviceIDPath, s.handleServiceID},
		{http.MethodGet, pingPath, s.handlePing},
	}
}

type versionResponse struct {
	Version  string   `json:"version"`
	Revision string   `json:"revision"`
	Addons   []string `json:"addons"`
}

// handleVersion answers anyone; it does not look at credentials.
func (s *Server) handleVersion(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, versionResponse{
		Version:  s.version,
		Revision: revisionOf(s.version),
		Addons:   []string{},
	})
}

// revisionOf makes a build number in the style Artifactory reports for a
// version: 7.90.0 gives 79000900. Versions of another shape give "1".
func revisionOf(version string) string {
	parts := strings.Split(version, ".")
	if len(parts) != 3 {
		return "1"
	}
	nums := make([]int, 3)
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return "1"
		}
		nums[i] = n
	}
	return fmt.Sprintf("%d%02d%02d900", nums[0], nums[1], nums[2])
}

func (s *Server) handleServiceID(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireAdmin(w, r); !ok {
		return
	}
	writeText(w, http.StatusOK, s.serviceName())
}

// handlePing answers OK to any valid credentials, an issued access token
// included, and 401 otherwise, anonymous callers too.
func (s *Server) handlePing(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireCaller(w, r); !ok {
		return
	}
	writeText(w, http.StatusOK, "OK")
}
