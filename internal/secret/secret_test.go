package secret

import (
	"testing"
	"time"

	"github.com/artifactory-token-operator/artifactory-token-operator/internal/artifactory"
)

func issued(expiresIn *int64, expiresAt *time.Time, refresh string) *artifactory.IssuedToken {
	return &artifactory.IssuedToken{
		AccessToken:  "eyJhbGciOi.payload.sig",
		RefreshToken: refresh,
		TokenType:    "Bearer",
		Scope:        "member-of-groups:readers api:*",
		ExpiresIn:    expiresIn,
		TokenID:      "id-1",
		IssuedAt:     time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC),
		ExpiresAt:    expiresAt,
	}
}

func TestData(t *testing.T) {
	hour := int64(3600)
	zero := int64(0)
	exp := time.Date(2026, 12, 3, 11, 0, 0, 0, time.FixedZone("CET", 3600))

	tests := []struct {
		name    string
		tok     *artifactory.IssuedToken
		want    map[string]string
		without []string
	}{
		{
			name: "expiring, not refreshable",
			tok:  issued(&hour, &exp, ""),
			want: map[string]string{
				KeyAccessToken: "eyJhbGciOi.payload.sig", KeyTokenType: "Bearer",
				KeyScope: "member-of-groups:readers api:*", KeyExpiresIn: "3600",
				KeyUsername: "ci", KeyURL: "https://acme.jfrog.io", KeyExpiresAt: "2026-12-03T10:00:00Z",
			},
			without: []string{KeyRefreshToken},
		},
		{
			name:    "non-expiring",
			tok:     issued(&zero, nil, ""),
			want:    map[string]string{KeyExpiresIn: "0"},
			without: []string{KeyExpiresAt, KeyRefreshToken},
		},
		{
			name:    "no expires_in in the answer",
			tok:     issued(nil, nil, ""),
			want:    map[string]string{KeyExpiresIn: "0"},
			without: []string{KeyExpiresAt},
		},
		{
			name: "refreshable",
			tok:  issued(&hour, &exp, "refresh-me"),
			want: map[string]string{KeyRefreshToken: "refresh-me"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := Data(tt.tok, "ci", "https://acme.jfrog.io")
			for k, v := range tt.want {
				if got := string(data[k]); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			for _, k := range tt.without {
				if _, ok := data[k]; ok {
					t.Errorf("has %s", k)
				}
			}
		})
	}
}

func TestDataHash(t *testing.T) {
	hour := int64(3600)
	exp := time.Date(2026, 12, 3, 11, 0, 0, 0, time.UTC)
	base := func() map[string][]byte { return Data(issued(&hour, &exp, "r"), "ci", "https://a") }
	want := DataHash(base())

	tests := []struct {
		name    string
		edit    func(map[string][]byte)
		changed bool
	}{
		{"unchanged", func(map[string][]byte) {}, false},
		{"a key someone added beside ours", func(d map[string][]byte) { d["ca.crt"] = []byte("x") }, false},
		{"token edited", func(d map[string][]byte) { d[KeyAccessToken] = []byte("other") }, true},
		{"refresh token removed", func(d map[string][]byte) { delete(d, KeyRefreshToken) }, true},
		{"expiry emptied", func(d map[string][]byte) { d[KeyExpiresAt] = nil }, true},
		{"bytes moved between fields", func(d map[string][]byte) {
			d[KeyURL], d[KeyUsername] = []byte("https://aci"), []byte("")
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := base()
			tt.edit(d)
			if got := DataHash(d) != want; got != tt.changed {
				t.Errorf("hash changed = %v, want %v", got, tt.changed)
			}
		})
	}
}

func TestReadRecord(t *testing.T) {
	hour := int64(3600)
	exp := time.Date(2026, 12, 3, 11, 0, 0, 0, time.UTC)
	tok := issued(&hour, &exp, "")
	data := Data(tok, "ci", "https://a")
	ann := Annotations(tok, data, "spec-1", "old-1")

	rec := ReadRecord(ann, data)
	if !rec.DataMatches || rec.TokenID != "id-1" || rec.SpecHash != "spec-1" || rec.Replaces != "old-1" ||
		!rec.IssuedAt.Equal(tok.IssuedAt) || rec.ExpiresAt == nil || !rec.ExpiresAt.Equal(exp) {
		t.Errorf("ReadRecord() = %+v", rec)
	}

	ann[IssuedAtAnnotation] = "yesterday"
	if ReadRecord(ann, data).DataMatches {
		t.Error("an unreadable issued-at annotation still counts as matching")
	}
}

func TestShapeHash(t *testing.T) {
	a := Shape{ArtifactoryKind: "Artifactory", ArtifactoryName: "main", Username: "ci", ExpiresIn: "1h0m0s"}
	same := a
	b := a
	b.Scope = "member-of-groups:readers"
	if a.Hash() != same.Hash() || a.Hash() == b.Hash() {
		t.Error("Shape.Hash is not stable, or ignores the scope")
	}
}
