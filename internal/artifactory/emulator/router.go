package emulator

import (
	"net/http"
	"strings"
)

// route binds one method and path pattern (as http.ServeMux reads it, so
// "/tokens/{id}" and "/tokens/{$}" work) to a handler. Handlers are grouped
// by the API they belong to (legacy tokens, Access tokens, system,
// control), and a router is built from any number of groups, so another
// API is one more group.
type route struct {
	method  string
	path    string
	handler http.HandlerFunc
}

// router serves a set of routes and answers everything else in the error
// shape of the API the path belongs to: 405 for a known path with another
// method, 404 for an unknown path.
type router struct {
	mux   *http.ServeMux
	known *http.ServeMux // every route's path pattern for any method
}

func newRouter(groups ...[]route) *router {
	rt := &router{mux: http.NewServeMux(), known: http.NewServeMux()}
	seen := map[string]bool{}
	for _, group := range groups {
		for _, rte := range group {
			rt.mux.HandleFunc(rte.method+" "+rte.path, rte.handler)
			// ServeMux refuses a pattern registered twice.
			if seen[rte.path] {
				continue
			}
			seen[rte.path] = true
			rt.known.HandleFunc(rte.path, http.NotFound)
		}
	}
	rt.mux.HandleFunc("/", rt.unmatched)
	return rt
}

func (rt *router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rt.mux.ServeHTTP(w, r)
}

func (rt *router) unmatched(w http.ResponseWriter, r *http.Request) {
	status, message := http.StatusNotFound, "Not Found"
	if _, pattern := rt.known.Handler(r); pattern != "" {
		status, message = http.StatusMethodNotAllowed, "Method Not Allowed"
	}
	if isAccessPath(r.URL.Path) {
		writeAPIError(w, accessError(status, accessCodeFor(status), "%s", message))
		return
	}
	writeAPIError(w, artifactoryError(status, message))
}

// isAccessPath tells whether the path belongs to the Access service.
func isAccessPath(path string) bool {
	return strings.HasPrefix(path, accessPrefix)
}
