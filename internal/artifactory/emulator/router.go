package emulator

import (
	"net/http"
)

// route binds one method and exact path to a handler. Handlers are grouped
// by the API they belong to (legacy tokens, system, control), and a router
// is built from any number of groups, so another API is one more group.
type route struct {
	method  string
	path    string
	handler http.HandlerFunc
}

// router serves a set of routes and answers everything else in
// Artifactory's error shape: 405 for a known path with another method, 404
// for an unknown path.
type router struct {
	mux   *http.ServeMux
	paths map[string]bool
}

func newRouter(groups ...[]route) *router {
	rt := &router{mux: http.NewServeMux(), paths: map[string]bool{}}
	for _, group := range groups {
		for _, rte := range group {
			rt.mux.HandleFunc(rte.method+" "+rte.path, rte.handler)
			rt.paths[rte.path] = true
		}
	}
	rt.mux.HandleFunc("/", rt.unmatched)
	return rt
}

func (rt *router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rt.mux.ServeHTTP(w, r)
}

func (rt *router) unmatched(w http.ResponseWriter, r *http.Request) {
	if rt.paths[r.URL.Path] {
		writeAPIError(w, artifactoryError(http.StatusMethodNotAllowed, "Method Not Allowed"))
		return
	}
	writeAPIError(w, artifactoryError(http.StatusNotFound, "Not Found"))
}
