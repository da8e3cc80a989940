package emulator

import (
	"net/http"
	"strconv"
	"time"
)

// accessTokenInfo is one token as the Access API lists it; times are epoch
// seconds, and expiry is absent for a token that never expires.
type accessTokenInfo struct {
	TokenID     string `json:"token_id"`
	Subject     string `json:"subject"`
	Expiry      *int64 `json:"expiry,omitempty"`
	IssuedAt    int64  `json:"issued_at"`
	Issuer      string `json:"issuer"`
	Description string `json:"description,omitempty"`
	Refreshable bool   `json:"refreshable"`
}

type accessTokenList struct {
	Tokens []accessTokenInfo `json:"tokens"`
}

func (s *Server) accessTokenInfo(t TokenRecord) accessTokenInfo {
	info := accessTokenInfo{
		TokenID:     t.ID,
		Subject:     s.subjectOf(t.API, t.Username),
		IssuedAt:    t.IssuedAt.Unix(),
		Issuer:      s.issuerOf(t.API),
		Description: t.Description,
		Refreshable: t.Refreshable,
	}
	if t.ExpiresAt != nil {
		exp := t.ExpiresAt.Unix()
		info.Expiry = &exp
	}
	return info
}

// tokenFilter is the query of GET /access/api/v1/tokens; empty fields
// match anything.
type tokenFilter struct {
	description string
	username    string
	refreshable *bool
}

func parseTokenFilter(r *http.Request) (tokenFilter, *apiError) {
	q := r.URL.Query()
	f := tokenFilter{description: q.Get("description"), username: q.Get("username")}
	if v := q.Get("refreshable"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return tokenFilter{}, accessError(http.StatusBadRequest, accessBadRequest,
				"refreshable must be true or false, got '%s'", v)
		}
		f.refreshable = &b
	}
	return f, nil
}

func (f tokenFilter) matches(t TokenRecord) bool {
	return (f.description == "" || t.Description == f.description) &&
		(f.username == "" || t.Username == f.username) &&
		(f.refreshable == nil || t.Refreshable == *f.refreshable)
}

// storedLive tells whether the Access API knows the token at now: it was
// stored (see TokenRecord.Persistent) and is neither revoked nor expired.
func storedLive(t TokenRecord, now time.Time) bool {
	return t.Persistent && t.liveAt(now)
}

// handleAccessList lists, for admins, the stored live tokens of either
// API that match the filters, in issue order.
func (s *Server) handleAccessList(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireAccessAdmin(w, r); !ok {
		return
	}
	filter, err := parseTokenFilter(r)
	if err != nil {
		writeAPIError(w, err)
		return
	}

	now := s.now()
	list := accessTokenList{Tokens: []accessTokenInfo{}}
	for _, t := range s.tokens.records() {
		if storedLive(t, now) && filter.matches(t) {
			list.Tokens = append(list.Tokens, s.accessTokenInfo(t))
		}
	}
	writeJSON(w, http.StatusOK, list)
}

// handleAccessGet answers one stored live token to an admin or the
// token's own user. Tokens too short-lived to be stored are not found.
func (s *Server) handleAccessGet(w http.ResponseWriter, r *http.Request) {
	caller, ok := s.requireAccessCaller(w, r)
	if !ok {
		return
	}
	s.answerStoredToken(w, *caller, r.PathValue("id"))
}

// handleAccessGetMine answers the token the caller logged in with.
func (s *Server) handleAccessGetMine(w http.ResponseWriter, r *http.Request) {
	caller, ok := s.requireAccessCaller(w, r)
	if !ok {
		return
	}
	// A caller who logged in with a password has no token to show.
	if caller.tokenID == "" {
		writeAPIError(w, accessError(http.StatusNotFound, accessNotFound, msgTokenNotFound))
		return
	}

	s.answerStoredToken(w, *caller, caller.tokenID)
}

func (s *Server) answerStoredToken(w http.ResponseWriter, caller principal, id string) {
	t, found := s.tokens.findByID(id)
	// Unstored, revoked and expired tokens are unknown to Access.
	if !found || !storedLive(t.TokenRecord, s.now()) {
		writeAPIError(w, accessError(http.StatusNotFound, accessNotFound, msgTokenNotFound))
		return
	}
	if !caller.admin && caller.name != t.Username {
		writeAPIError(w, accessError(http.StatusForbidden, accessForbidden, msgForbidden))
		return
	}

	writeJSON(w, http.StatusOK, s.accessTokenInfo(t.TokenRecord))
}

// handleAccessRevoke revokes a stored token by id for an admin or the
// token's own user: 200 when revoked now, 204 when it already was, 404
// when Access does not have it, and 400 in the flat shape when it lives
// too briefly to be revocable.
func (s *Server) handleAccessRevoke(w http.ResponseWriter, r *http.Request) {
	caller, ok := s.requireAccessCaller(w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	t, found := s.tokens.findByID(id)
	// A token too short-lived to be stored is unknown to Access.
	if !found || !t.Persistent {
		writeAPIError(w, accessError(http.StatusNotFound, accessNotFound, msgTokenNotFound))
		return
	}
	if !caller.admin && caller.name != t.Username {
		writeAPIError(w, accessError(http.StatusForbidden, accessForbidden, msgForbidden))
		return
	}

	switch s.tokens.revokeStored(id) {
	case revokeDone:
		w.WriteHeader(http.StatusOK)
	case revokeAlready:
		w.WriteHeader(http.StatusNoContent)
	case revokeNotRevocable:
		writeAPIError(w, flatAccessError(http.StatusBadRequest, accessBadRequest,
			msgNotRevocable, "Token "+id+" expires sooner than the revocable expiry "+
				"threshold allows and was not created with force_revocable"))
	case revokeUnknown:
		writeAPIError(w, accessError(http.StatusNotFound, accessNotFound, msgTokenNotFound))
	}
}

// handleAccessRevokeNoID answers DELETE /access/api/v1/tokens/, which
// names no token, as Access does: that path has no DELETE.
func (s *Server) handleAccessRevokeNoID(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Allow", "GET, POST")
	writeAPIError(w, accessError(http.StatusMethodNotAllowed, accessMethodNotAllowed,
		"Method Not Allowed"))
}
