package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Paths of the emulator's own control endpoints.
const (
	controlPrefix      = "/_emulator/"
	controlFaults      = controlPrefix + "faults"
	controlLatency     = controlPrefix + "latency"
	controlMaxLifetime = controlPrefix + "max-lifetime"
	controlOutage      = controlPrefix + "outage"
	controlTokens      = controlPrefix + "tokens"
)

func isControlPath(path string) bool {
	return strings.HasPrefix(path, controlPrefix)
}

func (s *Server) controlRoutes() []route {
	return []route{
		{http.MethodPost, controlFaults, s.handleInjectFault},
		{http.MethodDelete, controlFaults, s.handleClearFaults},
		{http.MethodPut, controlLatency, s.handleSetLatency},
		{http.MethodPut, controlMaxLifetime, s.handleSetMaxLifetime},
		{http.MethodPut, controlOutage, s.handleSetOutage},
		{http.MethodGet, controlTokens, s.handleListRecords},
	}
}

// faultJSON is a Fault on the wire; retryAfter is a Go duration string.
type faultJSON struct {
	Method      string `json:"method"`
	PathPrefix  string `json:"pathPrefix"`
	Status      int    `json:"status"`
	Body        string `json:"body"`
	ContentType string `json:"contentType"`
	RetryAfter  string `json:"retryAfter"`
	Times       int    `json:"times"`
}

func (fj faultJSON) fault() (Fault, error) {
	if fj.Status != 0 && (fj.Status < 100 || fj.Status > 599) {
		return Fault{}, fmt.Errorf("status %d is no HTTP status", fj.Status)
	}
	if fj.Times < 0 {
		return Fault{}, fmt.Errorf("times must be 0 (until cleared) or more, got %d", fj.Times)
	}
	retryAfter, err := parseOptionalDuration(fj.RetryAfter)
	if err != nil {
		return Fault{}, fmt.Errorf("retryAfter: %w", err)
	}
	return Fault{
		Method:      fj.Method,
		PathPrefix:  fj.PathPrefix,
		Status:      fj.Status,
		Body:        fj.Body,
		ContentType: fj.ContentType,
		RetryAfter:  retryAfter,
		Times:       fj.Times,
	}, nil
}

func parseOptionalDuration(v string) (time.Duration, error) {
	if v == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("parse duration: %w", err)
	}
	if d < 0 {
		return 0, fmt.Errorf("duration %s is negative", v)
	}
	return d, nil
}

func (s *Server) handleInjectFault(w http.ResponseWriter, r *http.Request) {
	var fj faultJSON
	if !decodeControlBody(w, r, &fj) {
		return
	}
	f, err := fj.fault()
	if err != nil {
		writeControlError(w, err)
		return
	}
	s.InjectFault(f)
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) handleClearFaults(w http.ResponseWriter, _ *http.Request) {
	s.ClearFaults()
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) handleSetLatency(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Latency string `json:"latency"`
	}
	if d, ok := decodeDuration(w, r, &body, &body.Latency); ok {
		s.SetLatency(d)
		w.WriteHeader(http.StatusNoContent)
	}
}

func (s *Server) handleSetMaxLifetime(w http.ResponseWriter, r *http.Request) {
	var body struct {
		MaxLifetime string `json:"maxLifetime"`
	}
	if d, ok := decodeDuration(w, r, &body, &body.MaxLifetime); ok {
		s.SetMaxLifetime(d)
		w.WriteHeader(http.StatusNoContent)
	}
}

func (s *Server) handleSetOutage(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Outage *bool `json:"outage"`
	}
	if !decodeControlBody(w, r, &body) {
		return
	}
	if body.Outage == nil {
		writeControlError(w, errors.New(`want {"outage":true} or {"outage":false}`))
		return
	}
	s.SetOutage(*body.Outage)
	w.WriteHeader(http.StatusNoContent)
}

// decodeDuration decodes body and parses the duration field points to.
func decodeDuration(w http.ResponseWriter, r *http.Request, body any,
	field *string) (time.Duration, bool) {
	if !decodeControlBody(w, r, body) {
		return 0, false
	}
	d, err := parseOptionalDuration(*field)
	if err != nil {
		writeControlError(w, err)
		return 0, false
	}
	return d, true
}

func decodeControlBody(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeControlError(w, fmt.Errorf("decode JSON body: %w", err))
		return false
	}
	return true
}

func writeControlError(w http.ResponseWriter, err error) {
	writeAPIError(w, artifactoryError(http.StatusBadRequest, err.Error()))
}

// recordJSON is a TokenRecord without its secret values (access, refresh
// and reference tokens).
type recordJSON struct {
	ID          string     `json:"id"`
	Username    string     `json:"username"`
	Scope       string     `json:"scope"`
	Audience    string     `json:"audience"`
	Refreshable bool       `json:"refreshable"`
	IssuedAt    time.Time  `json:"issuedAt"`
	ExpiresAt   *time.Time `json:"expiresAt,omitempty"`
	Revoked     bool       `json:"revoked"`
	Expired     bool       `json:"expired"`
	API         string     `json:"api"`
	Description string     `json:"description,omitempty"`
	ProjectKey  string     `json:"projectKey,omitempty"`
	Revocable   bool       `json:"revocable"`
	Persistent  bool       `json:"persistent"`
}

func (s *Server) handleListRecords(w http.ResponseWriter, _ *http.Request) {
	now := s.now()
	records := []recordJSON{}
	for _, t := range s.Tokens() {
		records = append(records, recordJSON{
			ID:          t.ID,
			Username:    t.Username,
			Scope:       t.Scope,
			Audience:    t.Audience,
			Refreshable: t.Refreshable,
			IssuedAt:    t.IssuedAt.UTC(),
			ExpiresAt:   utcOrNil(t.ExpiresAt),
			Revoked:     t.Revoked,
			Expired:     t.expiredAt(now),
			API:         t.API,
			Description: t.Description,
			ProjectKey:  t.ProjectKey,
			Revocable:   t.Revocable,
			Persistent:  t.Persistent,
		})
	}
	writeJSON(w, http.StatusOK, struct {
		Tokens []recordJSON `json:"tokens"`
	}{records})
}

func utcOrNil(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	utc := t.UTC()
	return &utc
}
