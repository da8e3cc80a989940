package artifactory

import (
	"encoding/base64"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestDecodeClaims(t *testing.T) {
	iat := time.Unix(1796292000, 0).UTC()
	exp := iat.Add(time.Hour)
	enc := base64.RawURLEncoding.EncodeToString
	header := enc([]byte(`{"alg":"RS256","typ":"JWT"}`))
	withPayload := func(payload string) string { return header + "." + payload + ".sig" }

	tests := []struct {
		name  string
		token string
		want  Claims
	}{
		{
			name: "string audience",
			token: withPayload(enc([]byte(`{"jti":"id-1","sub":"jfrt@01/users/ci",` +
				`"iss":"jfrt@01","scp":"api:* member-of-groups:readers","aud":"jfrt@01",` +
				`"iat":1796292000,"exp":1796295600}`))),
			want: Claims{
				ID: "id-1", Subject: "jfrt@01/users/ci", Issuer: "jfrt@01",
				Scope: "api:* member-of-groups:readers", Audience: []string{"jfrt@01"},
				IssuedAt: iat, ExpiresAt: &exp,
			},
		},
		{
			name: "array audience",
			token: withPayload(enc([]byte(
				`{"jti":"id-2","aud":["*@*","jfrt@01"],"exp":1796295600}`))),
			want: Claims{ID: "id-2", Audience: []string{"*@*", "jfrt@01"}, ExpiresAt: &exp},
		},
		{
			name:  "missing exp never expires",
			token: withPayload(enc([]byte(`{"jti":"id-3","iat":1796292000}`))),
			want:  Claims{ID: "id-3", IssuedAt: iat},
		},
		{
			name:  "null exp never expires",
			token: withPayload(enc([]byte(`{"jti":"id-4","exp":null,"aud":null}`))),
			want:  Claims{ID: "id-4"},
		},
		{
			name:  "padded payload",
			token: withPayload(base64.URLEncoding.EncodeToString([]byte(`{"jti":"p"}`))),
			want:  Claims{ID: "p"},
		},
		{
			name:  "scope claim and array scp",
			token: withPayload(enc([]byte(`{"scp":["a","b"],"scope":"ignored"}`))),
			want:  Claims{Scope: "a b"},
		},
		{
			name:  "scope claim when no scp",
			token: withPayload(enc([]byte(`{"scope":"applied-permissions/user"}`))),
			want:  Claims{Scope: "applied-permissions/user"},
		},
		{
			name:  "fractional dates",
			token: withPayload(enc([]byte(`{"iat":1796292000.5}`))),
			want:  Claims{IssuedAt: iat.Add(500 * time.Millisecond)},
		},
		{
			name:  "empty signature",
			token: header + "." + enc([]byte(`{"jti":"none"}`)) + ".",
			want:  Claims{ID: "none"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeClaims(tt.token)
			if err != nil {
				t.Fatalf("DecodeClaims: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestDecodeClaimsRefusesGarbage(t *testing.T) {
	enc := base64.RawURLEncoding.EncodeToString
	header := enc([]byte(`{"alg":"RS256"}`))
	withPayload := func(payload string) string { return header + "." + payload + ".sig" }

	tests := []struct {
		name, token string
	}{
		{"empty", ""},
		{"reference token", "cmVmdGtuOjAxOjE3MDAwMDAwMDA6" + strings.Repeat("Q", 36)},
		{"two parts", header + "." + enc([]byte(`{}`))},
		{"five parts (JWE)", "a.b.c.d.e"},
		{"bad base64", withPayload("not*base64!")},
		{"not JSON", withPayload(enc([]byte("secret-payload-text")))},
		{"JSON array", withPayload(enc([]byte(`["a"]`)))},
		{"JSON null", withPayload(enc([]byte(`null`)))},
		{"numeric aud", withPayload(enc([]byte(`{"aud":42}`)))},
		{"mixed aud array", withPayload(enc([]byte(`{"aud":["a",1]}`)))},
		{"string exp", withPayload(enc([]byte(`{"exp":"tomorrow"}`)))},
		{"negative exp", withPayload(enc([]byte(`{"exp":-1}`)))},
		{"huge exp", withPayload(enc([]byte(`{"exp":1e300}`)))},
		{"numeric jti", withPayload(enc([]byte(`{"jti":12}`)))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeClaims(tt.token)
			if !errors.Is(err, ErrNotJWT) {
				t.Fatalf("error = %v, want ErrNotJWT", err)
			}
			for _, part := range append(strings.Split(tt.token, "."), tt.token) {
				if len(part) >= 4 && strings.Contains(err.Error(), part) {
					t.Errorf("error %q contains token text %q", err, part)
				}
			}
		})
	}
}
