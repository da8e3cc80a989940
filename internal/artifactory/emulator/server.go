package emulator

import (
	"cmp"
	"crypto/rsa"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Defaults for a zero Config.
const (
	defaultVersion            = "7.90.0"
	defaultBlockAfterFailures = 5
	defaultBlockFor           = 5 * time.Second
)

// User is an Artifactory user the emulator knows.
type User struct {
	Name     string
	Password string
	Admin    bool
	Groups   []string
}

// Config sets up an emulator. The zero value of each field picks a default.
type Config struct {
	// Users who can log in. Names must be unique.
	Users []User
	// ServiceID is the id part of the service id: the emulator presents
	// itself as "jfrt@"+ServiceID. A "jfrt@" prefix given here is dropped.
	// Default: a random UUID.
	ServiceID string
	// Version reported by /api/system/version. Default: 7.90.0.
	Version string
	// Now is the clock for token times, expiry and login blocks.
	// Default: time.Now.
	Now func() time.Time
	// BlockAfterFailures is how many failed logins within a minute block
	// the identity. Default: 5; negative disables blocking.
	BlockAfterFailures int
	// BlockFor is how long a block lasts. Default: 5s.
	BlockFor time.Duration

	// The settings below are the Access Tokens API's
	// (/access/api/v1/tokens), which versions from 7.21.1 serve.

	// DisableAccessAPI turns the Access Tokens API off whatever the
	// Version, so that its paths answer 404 as on a server before 7.21.1.
	DisableAccessAPI bool
	// AccessBasicAuth lets the Access API take Basic credentials, as when
	// the administrator allows token creation with them; it only takes
	// effect from Version 7.63.2. Otherwise Basic is refused with 401
	// "Unsupported authentication method Basic". Bearer tokens always work.
	AccessBasicAuth bool
	// DefaultExpiry is the lifetime of Access tokens created without
	// expires_in. Default: one year. The legacy endpoint keeps its 3600s.
	DefaultExpiry time.Duration
	// MaxExpiry is the longest lifetime anyone, admins included, may ask
	// the Access API for; beyond it, and for tokens that never expire, it
	// answers 403. Default: no limit.
	MaxExpiry time.Duration
	// NonAdminMaxExpiry is the longest lifetime a non-admin may ask the
	// Access API for (token.max-expiry); beyond it the answer is 403.
	// Default: one hour; negative: no limit but MaxExpiry. Non-admins can
	// never ask for tokens that never expire.
	NonAdminMaxExpiry time.Duration
	// RevocableExpiryThreshold is the shortest lifetime of an Access token
	// that can be revoked, unless it was made with force_revocable (tokens
	// that never expire always can). Default: 6h; negative: no token with
	// an expiry is revocable unless forced; a second makes all revocable.
	RevocableExpiryThreshold time.Duration
	// PersistentExpiryThreshold is the shortest lifetime of a token the
	// Access API stores: shorter ones are not listed and GET or DELETE by
	// id answer 404, unless they are revocable. Default: 3h; negative:
	// every token is stored.
	PersistentExpiryThreshold time.Duration
}

// Server is an Artifactory emulator; it is an http.Handler, and Start
// serves it on a loopback port.
type Server struct {
	serviceID    string
	version      string
	release      release // version, parsed
	releaseKnown bool    // whether version could be parsed
	now          func() time.Time
	users        map[string]User

	accessAPI   bool // the Access Tokens API is served
	accessBasic bool // Config.AccessBasicAuth
	expiry      expiryPolicy
	retention   retention

	signer   *signer
	tokens   *tokenStore
	lockout  *failureTracker
	switches *switches
	calls    *callLog

	api     http.Handler // Artifactory's endpoints, behind the fault switches
	control http.Handler // the /_emulator endpoints, never faulted

	mu      sync.Mutex
	httpSrv *http.Server
	url     string
}

// New makes an emulator from cfg.
func New(cfg Config) (*Server, error) {
	users, err := userDirectory(cfg.Users)
	if err != nil {
		return nil, fmt.Errorf("configure emulator users: %w", err)
	}
	serviceID, err := resolveServiceID(cfg.ServiceID)
	if err != nil {
		return nil, fmt.Errorf("configure emulator service id: %w", err)
	}
	if err := checkAccessDurations(cfg); err != nil {
		return nil, fmt.Errorf("configure emulator Access API: %w", err)
	}
	sg, err := newSigner()
	if err != nil {
		return nil, fmt.Errorf("set up emulator token signing: %w", err)
	}

	s := &Server{
		serviceID:   serviceID,
		version:     cmp.Or(cfg.Version, defaultVersion),
		now:         cfg.Now,
		users:       users,
		accessBasic: cfg.AccessBasicAuth,
		retention: retention{
			revocable:  cmp.Or(cfg.RevocableExpiryThreshold, defaultRevocableThreshold),
			persistent: cmp.Or(cfg.PersistentExpiryThreshold, defaultPersistentThreshold),
		},
		signer:   sg,
		tokens:   newTokenStore(),
		lockout:  newLockout(cfg),
		switches: &switches{},
		calls:    &callLog{},
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.release, s.releaseKnown = parseRelease(s.version)
	s.accessAPI = !cfg.DisableAccessAPI && s.supports(sinceAccessTokensAPI)
	s.expiry = s.newExpiryPolicy(cfg)
	s.api = newRouter(s.artifactoryRoutes()...)
	s.control = newRouter(s.controlRoutes())
	return s, nil
}

// artifactoryRoutes are the Artifactory APIs emulated, one group each.
func (s *Server) artifactoryRoutes() [][]route {
	groups := [][]route{s.systemRoutes(), s.legacyRoutes()}
	if s.accessAPI {
		groups = append(groups, s.accessRoutes())
	}
	return groups
}

// checkAccessDurations refuses lifetimes that cannot be meant.
func checkAccessDurations(cfg Config) error {
	if cfg.DefaultExpiry < 0 || cfg.MaxExpiry < 0 {
		return fmt.Errorf("DefaultExpiry %v and MaxExpiry %v cannot be negative",
			cfg.DefaultExpiry, cfg.MaxExpiry)
	}
	return nil
}

func (s *Server) newExpiryPolicy(cfg Config) expiryPolicy {
	p := expiryPolicy{
		defaultSecs: wholeSeconds(cmp.Or(cfg.DefaultExpiry, defaultAccessExpiry)),
		nonExpiring: s.supports(sinceNonExpiringAccess),
	}
	if cfg.MaxExpiry > 0 {
		p.maxSecs = wholeSeconds(cfg.MaxExpiry)
	}
	if nonAdmin := cmp.Or(cfg.NonAdminMaxExpiry, defaultNonAdminMaxExpiry); nonAdmin > 0 {
		p.nonAdminMaxSecs = wholeSeconds(nonAdmin)
	}
	return p
}

func newLockout(cfg Config) *failureTracker {
	threshold := cfg.BlockAfterFailures
	if threshold == 0 {
		threshold = defaultBlockAfterFailures
	}
	blockFor := cfg.BlockFor
	if blockFor <= 0 {
		blockFor = defaultBlockFor
	}
	return newFailureTracker(threshold, failureWindow, blockFor)
}

func userDirectory(users []User) (map[string]User, error) {
	dir := make(map[string]User, len(users))
	for _, u := range users {
		if u.Name == "" || strings.ContainsAny(u.Name, ":/ ") {
			return nil, fmt.Errorf("user name %q must be non-empty without ':', '/' or spaces",
				u.Name)
		}
		if _, dup := dir[u.Name]; dup {
			return nil, fmt.Errorf("user %q is configured twice", u.Name)
		}
		u.Groups = slices.Clone(u.Groups)
		dir[u.Name] = u
	}
	return dir, nil
}

func resolveServiceID(id string) (string, error) {
	id = strings.TrimPrefix(id, artifactoryPrefix)
	if id == "" {
		return newUUID(), nil
	}
	if strings.ContainsAny(id, "@/: ") {
		return "", fmt.Errorf("service id %q must not contain '@', '/', ':' or spaces", id)
	}
	return id, nil
}

// ServiceID returns the emulator's service id, "jfrt@<id>".
func (s *Server) ServiceID() string {
	return s.serviceName()
}

// PublicKey returns the key that verifies the access tokens' signatures.
func (s *Server) PublicKey() *rsa.PublicKey {
	return &s.signer.key.PublicKey
}

// ServeHTTP serves Artifactory's endpoints through the fault switches, and
// the /_emulator control endpoints directly.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// The control endpoints ignore the switches, so whatever was switched
	// on can always be switched off again.
	if isControlPath(r.URL.Path) {
		s.control.ServeHTTP(w, r)
		return
	}
	if s.switches.outageOn() {
		dropConnection(w)
		return
	}
	// A client that gave up during the latency gets no answer.
	if !s.switches.waitLatency(r.Context()) {
		return
	}

	s.serveAndRecord(w, r)
}

// serveAndRecord answers with an injected fault or the API, and records
// the call either way.
func (s *Server) serveAndRecord(w http.ResponseWriter, r *http.Request) {
	grantType := s.grantTypeOf(r)
	rec := &statusRecorder{ResponseWriter: w}
	if f, faulted := s.switches.take(r.Method, r.URL.Path); faulted {
		writeFault(rec, f)
	} else {
		s.api.ServeHTTP(rec, r)
	}
	s.calls.add(Call{
		Method:    r.Method,
		Path:      r.URL.Path,
		Status:    rec.answered(),
		GrantType: grantType,
		Time:      s.now(),
	})
}

// Start serves the emulator on a random port of 127.0.0.1 and returns its
// base URL, such as http://127.0.0.1:34567.
func (s *Server) Start() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("listen for the emulator: %w", err)
	}
	return s.serve(ln, "http")
}

// StartTLS is Start over HTTPS with the given certificate.
func (s *Server) StartTLS(cert tls.Certificate) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("listen for the emulator: %w", err)
	}
	tlsLn := tls.NewListener(ln, &tls.Config{
		Certificates: []tls.Certificate{cert},
		MinVersion:   tls.VersionTLS12,
	})
	return s.serve(tlsLn, "https")
}

func (s *Server) serve(ln net.Listener, scheme string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()

	// One emulator serves one listener at a time.
	if s.httpSrv != nil {
		_ = ln.Close()
		return "", errors.New("emulator is already serving at " + s.url)
	}

	s.httpSrv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	s.url = scheme + "://" + ln.Addr().String()
	go func(srv *http.Server) {
		// Serve returns ErrServerClosed after Close; nothing else to report.
		_ = srv.Serve(ln)
	}(s.httpSrv)
	return s.url, nil
}

// URL returns the base URL Start or StartTLS returned, empty before.
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()

	return s.url
}

// Close stops serving and drops open connections. It is safe to call more
// than once, and without Start.
func (s *Server) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()

	if s.httpSrv == nil {
		return nil
	}
	err := s.httpSrv.Close()
	s.httpSrv = nil
	if err != nil {
		return fmt.Errorf("close emulator: %w", err)
	}
	return nil
}
