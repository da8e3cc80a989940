package emulator

import (
	"errors"
	"fmt"
	"sync"
	"time"
)

// Reasons Validate refuses a token; match them with errors.Is.
var (
	// ErrTokenInvalid: the value is not a JWT signed by this emulator.
	ErrTokenInvalid = errors.New("token is malformed or not signed by this emulator")
	// ErrTokenUnknown: correctly signed, yet not a token this emulator issued.
	ErrTokenUnknown = errors.New("token was not issued by this emulator")
	// ErrTokenRevoked: the token was revoked.
	ErrTokenRevoked = errors.New("token is revoked")
	// ErrTokenExpired: the token's expiry has passed on the emulator's clock.
	ErrTokenExpired = errors.New("token is expired")
)

// APIs a token can come from, as TokenRecord.API names them.
const (
	// APILegacy is POST /artifactory/api/security/token.
	APILegacy = "legacy"
	// APIAccess is POST /access/api/v1/tokens.
	APIAccess = "access"
)

// TokenRecord is what the emulator remembers about one issued token.
type TokenRecord struct {
	// ID is the token id, also the JWT's jti claim.
	ID string
	// Username is the user the token was issued for.
	Username string
	// Scope is the granted scope, as answered to the client.
	Scope string
	// Audience holds the space-separated audience service ids.
	Audience string
	// Refreshable tells whether a refresh token came with the token.
	Refreshable bool
	// IssuedAt is the iat claim, on the emulator's clock.
	IssuedAt time.Time
	// ExpiresAt is the exp claim; nil for a token that never expires.
	ExpiresAt *time.Time
	// Revoked tells whether the token was revoked.
	Revoked bool
	// AccessToken is the JWT handed out.
	AccessToken string
	// RefreshToken is the refresh token handed out, empty when none was.
	RefreshToken string
	// API is the endpoint that issued the token: APILegacy or APIAccess.
	API string
	// Description is the description the Access API was given.
	Description string
	// ProjectKey is the project_key the Access API was given.
	ProjectKey string
	// ReferenceToken is the reference token handed out with the access
	// token, empty when none was asked for.
	ReferenceToken string
	// Revocable tells whether DELETE /access/api/v1/tokens/{id} may revoke
	// the token: it never expires, lives at least
	// Config.RevocableExpiryThreshold, or was made with force_revocable.
	// The legacy revoke endpoint does not look at it.
	Revocable bool
	// Persistent tells whether the Access API stored the token, so that it
	// lists it and answers GET by id: revocable tokens and those living at
	// least Config.PersistentExpiryThreshold are stored.
	Persistent bool
}

// expiredAt tells whether the token has run out at the given time.
func (t TokenRecord) expiredAt(now time.Time) bool {
	return t.ExpiresAt != nil && !now.Before(*t.ExpiresAt)
}

func (t TokenRecord) liveAt(now time.Time) bool {
	return !t.Revoked && !t.expiredAt(now)
}

// clone copies the record so callers cannot reach the stored ExpiresAt.
func (t TokenRecord) clone() TokenRecord {
	if t.ExpiresAt != nil {
		exp := *t.ExpiresAt
		t.ExpiresAt = &exp
	}
	return t
}

// storedToken is a record plus what only the emulator needs.
type storedToken struct {
	TokenRecord
	settings     tokenSettings // as granted, for refreshes to copy
	refreshSpent bool
}

// tokenStore holds every token issued. Its methods hand out copies, so
// callers never share memory with the store.
type tokenStore struct {
	mu        sync.Mutex
	ordered   []*storedToken
	byID      map[string]*storedToken
	byAccess  map[string]*storedToken
	byRefresh map[string]*storedToken
	byRef     map[string]*storedToken // by reference token
}

func newTokenStore() *tokenStore {
	return &tokenStore{
		byID:      map[string]*storedToken{},
		byAccess:  map[string]*storedToken{},
		byRefresh: map[string]*storedToken{},
		byRef:     map[string]*storedToken{},
	}
}

func (st *tokenStore) add(t storedToken) {
	st.mu.Lock()
	defer st.mu.Unlock()

	stored := &t
	st.ordered = append(st.ordered, stored)
	st.byID[t.ID] = stored
	st.byAccess[t.AccessToken] = stored
	if t.RefreshToken != "" {
		st.byRefresh[t.RefreshToken] = stored
	}
	if t.ReferenceToken != "" {
		st.byRef[t.ReferenceToken] = stored
	}
}

func (st *tokenStore) records() []TokenRecord {
	st.mu.Lock()
	defer st.mu.Unlock()

	out := make([]TokenRecord, 0, len(st.ordered))
	for _, t := range st.ordered {
		out = append(out, t.clone())
	}
	return out
}

func (st *tokenStore) secrets() []string {
	st.mu.Lock()
	defer st.mu.Unlock()

	var out []string
	for _, t := range st.ordered {
		out = append(out, t.AccessToken)
		if t.RefreshToken != "" {
			out = append(out, t.RefreshToken)
		}
		if t.ReferenceToken != "" {
			out = append(out, t.ReferenceToken)
		}
	}
	return out
}

func (st *tokenStore) findByID(id string) (storedToken, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()

	t, ok := st.byID[id]
	if !ok {
		return storedToken{}, false
	}
	return *t, true
}

// findByReference looks a token up by its reference token.
func (st *tokenStore) findByReference(ref string) (storedToken, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()

	t, ok := st.byRef[ref]
	if !ok {
		return storedToken{}, false
	}
	return *t, true
}

// revokeByID marks the token revoked and tells whether it was known.
func (st *tokenStore) revokeByID(id string) bool {
	st.mu.Lock()
	defer st.mu.Unlock()

	return revoke(st.byID[id])
}

// revokeByValue is revokeByID for a token given by its access token value.
func (st *tokenStore) revokeByValue(accessToken string) bool {
	st.mu.Lock()
	defer st.mu.Unlock()

	return revoke(st.byAccess[accessToken])
}

// revokeOutcome is how a DELETE /access/api/v1/tokens/{id} went.
type revokeOutcome int

const (
	revokeDone         revokeOutcome = iota // revoked now
	revokeAlready                           // was revoked before
	revokeUnknown                           // no such token stored
	revokeNotRevocable                      // lives too briefly to be revoked
)

// revokeStored revokes a token the Access API stored, by id, deciding
// under the lock so concurrent revokes agree on who revoked it.
func (st *tokenStore) revokeStored(id string) revokeOutcome {
	st.mu.Lock()
	defer st.mu.Unlock()

	t := st.byID[id]
	switch {
	case t == nil || !t.Persistent:
		return revokeUnknown
	case t.Revoked:
		return revokeAlready
	case !t.Revocable:
		return revokeNotRevocable
	}
	t.Revoked = true
	return revokeDone
}

func revoke(t *storedToken) bool {
	if t == nil {
		return false
	}
	t.Revoked = true
	return true
}

// refreshPair names the refresh a client asks for. An empty accessToken
// is not checked; api is the API whose tokens the refresh may renew, as
// each endpoint only renews the tokens it issued.
type refreshPair struct {
	refreshToken, accessToken, api string
}

// refreshable returns the token a refresh pair belongs to, as long as the
// refresh token is unspent, the pair matches and the token is not revoked.
func (st *tokenStore) refreshable(pair refreshPair) (storedToken, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()

	t, ok := st.usableRefresh(pair)
	if !ok {
		return storedToken{}, false
	}
	return *t, true
}

// spendRefresh marks the refresh token used and returns its token. Only
// one of several concurrent callers gets true.
func (st *tokenStore) spendRefresh(pair refreshPair) (storedToken, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()

	t, ok := st.usableRefresh(pair)
	if !ok {
		return storedToken{}, false
	}
	t.refreshSpent = true
	return *t, true
}

func (st *tokenStore) usableRefresh(pair refreshPair) (*storedToken, bool) {
	t, ok := st.byRefresh[pair.refreshToken]
	if !ok || t.refreshSpent || t.Revoked || t.API != pair.api {
		return nil, false
	}
	if pair.accessToken != "" && t.AccessToken != pair.accessToken {
		return nil, false
	}
	return t, true
}

// Tokens returns every token ever issued, in issue order.
func (s *Server) Tokens() []TokenRecord {
	return s.tokens.records()
}

// LiveTokens returns the tokens neither revoked nor expired, in issue order.
func (s *Server) LiveTokens() []TokenRecord {
	now := s.now()
	var live []TokenRecord
	for _, t := range s.tokens.records() {
		if t.liveAt(now) {
			live = append(live, t)
		}
	}
	return live
}

// IssuedSecrets returns every access, refresh and reference token value
// ever issued, so tests can check that none of them leaked into logs or
// events.
func (s *Server) IssuedSecrets() []string {
	return s.tokens.secrets()
}

// Validate returns nil when the access token (or the reference token
// standing for one) was issued by this emulator, is correctly signed, and
// is neither revoked nor expired. Its errors wrap ErrTokenInvalid,
// ErrTokenUnknown, ErrTokenRevoked or ErrTokenExpired. Whether a service
// accepts the token also depends on its audience and scope, which Validate
// does not judge.
func (s *Server) Validate(accessToken string) error {
	_, err := s.validToken(accessToken)
	return err
}

func (s *Server) validToken(accessToken string) (storedToken, error) {
	if isReferenceToken(accessToken) {
		return s.validReference(accessToken)
	}
	id, err := s.signer.verifiedID(accessToken)
	if err != nil {
		return storedToken{}, fmt.Errorf("validate access token: %w", err)
	}
	t, ok := s.tokens.findByID(id)
	if !ok || t.AccessToken != accessToken {
		return storedToken{}, fmt.Errorf("validate access token %s: %w", id, ErrTokenUnknown)
	}
	return s.usable(t)
}

// validReference is validToken for a reference token. One this emulator
// did not hand out is as good as garbage: it has no signature to check.
func (s *Server) validReference(ref string) (storedToken, error) {
	t, ok := s.tokens.findByReference(ref)
	if !ok {
		return storedToken{}, fmt.Errorf("validate reference token: %w", ErrTokenInvalid)
	}
	return s.usable(t)
}

// usable refuses a known token that is revoked or expired.
func (s *Server) usable(t storedToken) (storedToken, error) {
	id := t.ID
	if t.Revoked {
		return storedToken{}, fmt.Errorf("validate access token %s: %w", id, ErrTokenRevoked)
	}
	if t.expiredAt(s.now()) {
		return storedToken{}, fmt.Errorf("validate access token %s: %w", id, ErrTokenExpired)
	}
	return t, nil
}
