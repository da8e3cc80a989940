package emulator_test

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/artifactory-token-operator/artifactory-token-operator/internal/artifactory/emulator"
)

func TestAccessTokenIsAnArtifactoryJWT(t *testing.T) {
	tests := []struct {
		name    string
		form    url.Values
		wantAud any
		wantExp bool
	}{
		{
			name:    "expiring, one audience",
			form:    form("username", "alice", "scope", "member-of-groups:readers", "expires_in", "600"),
			wantAud: "jfrt@" + testServiceID,
			wantExp: true,
		},
		{
			name:    "non-expiring, two audiences",
			form:    form("username", "alice", "expires_in", "0", "audience", "jfrt@* jfxr@*"),
			wantAud: []any{"jfrt@*", "jfxr@*"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, clock := startEmulator(t, nil)
			answer := mustToken(t, s, asAdmin, tt.form)
			rec := recordFor(t, s, answer.AccessToken)

			claims := jwt.MapClaims{}
			token, err := jwt.ParseWithClaims(answer.AccessToken, claims,
				func(*jwt.Token) (any, error) { return s.PublicKey(), nil },
				jwt.WithValidMethods([]string{"RS256"}), jwt.WithTimeFunc(clock.Now))
			if err != nil {
				t.Fatalf("verify the token with the emulator's public key: %v", err)
			}

			wantHeader := map[string]any{"ver": "2", "typ": "JWT", "alg": "RS256"}
			for k, v := range wantHeader {
				if token.Header[k] != v {
					t.Errorf("header %s = %v, want %v", k, token.Header[k], v)
				}
			}
			if kid, _ := token.Header["kid"].(string); kid == "" {
				t.Errorf("header has no kid: %v", token.Header)
			}
			wantClaims := map[string]any{
				"sub": "jfrt@" + testServiceID + "/users/alice",
				"iss": "jfrt@" + testServiceID,
				"scp": answer.Scope,
				"jti": rec.ID,
				"iat": float64(clock.Now().Unix()),
			}
			for k, v := range wantClaims {
				if claims[k] != v {
					t.Errorf("claim %s = %v, want %v", k, claims[k], v)
				}
			}
			if got, want := formatAny(claims["aud"]), formatAny(tt.wantAud); got != want {
				t.Errorf("aud = %s, want %s", got, want)
			}
			exp, hasExp := claims["exp"]
			if hasExp != tt.wantExp {
				t.Fatalf("exp present = %v, want %v (claims %v)", hasExp, tt.wantExp, claims)
			}
			if hasExp && exp != float64(clock.Now().Unix()+600) {
				t.Errorf("exp = %v, want iat+600", exp)
			}
		})
	}
}

// formatAny renders a claim with its Go type, so a string and a one-item
// array differ.
func formatAny(v any) string {
	if list, ok := v.([]any); ok {
		parts := make([]string, len(list))
		for i, p := range list {
			parts[i], _ = p.(string)
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	s, _ := v.(string)
	return "string " + s
}

func TestValidateRefusesForgedTokens(t *testing.T) {
	s, _ := startEmulator(t, nil)
	other, _ := startEmulator(t, nil) // same service id, another key
	good := mustToken(t, s, asAlice, form()).AccessToken
	foreign := mustToken(t, other, asAlice, form()).AccessToken
	head, rest, _ := strings.Cut(good, ".")
	payload, sig, _ := strings.Cut(rest, ".")
	tampered := head + "." + payload + "x." + sig

	tests := []struct {
		name  string
		token string
		want  error
	}{
		{"issued", good, nil},
		{"signed by another emulator", foreign, emulator.ErrTokenInvalid},
		{"tampered payload", tampered, emulator.ErrTokenInvalid},
		{"not a JWT", "reftoken", emulator.ErrTokenInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.Validate(tt.token)

			if (tt.want == nil) != (err == nil) || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Errorf("Validate = %v, want %v", err, tt.want)
			}
		})
	}
}
