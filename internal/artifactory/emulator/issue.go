package emulator

import (
	"fmt"
	"strings"
	"time"
)

// retention holds the Access thresholds that decide, from a token's
// lifetime, whether it can be revoked and whether it is stored.
type retention struct {
	// revocable is the shortest lifetime a token can be revoked with;
	// negative: no expiring token is revocable unless forced.
	revocable time.Duration
	// persistent is the shortest lifetime a token is stored with;
	// negative: every token is stored.
	persistent time.Duration
}

// of decides for a lifetime in seconds (0 = never expires). A token that
// never expires, or was made with force_revocable, is revocable; a
// revocable token is always stored, since revoking needs its record (which
// is why Access keeps the persistency threshold at or below the revocable
// one).
func (rt retention) of(lifetime int64, forceRevocable bool) (revocable, persistent bool) {
	revocable = lifetime == 0 || forceRevocable ||
		(rt.revocable >= 0 && lifetime >= ceilSeconds(rt.revocable))
	persistent = revocable || rt.persistent < 0 || lifetime >= ceilSeconds(rt.persistent)
	return revocable, persistent
}

// issue signs and stores a token with the settings, its lifetime capped by
// SetMaxLifetime. The stored settings hold the lifetime granted.
func (s *Server) issue(settings tokenSettings) (storedToken, error) {
	settings.lifetime = clampLifetime(settings.lifetime, s.switches.currentMaxLifetime())
	issuedAt := time.Unix(s.now().Unix(), 0)
	claims := accessClaims{
		id:       newUUID(),
		issuer:   s.issuerOf(settings.api),
		subject:  s.subjectOf(settings.api, settings.username),
		scope:    settings.grantedScope(),
		audience: settings.audience,
		issuedAt: issuedAt,
	}
	if settings.lifetime > 0 {
		exp := issuedAt.Add(time.Duration(settings.lifetime) * time.Second)
		claims.expiresAt = &exp
	}
	accessToken, err := s.signer.sign(claims)
	if err != nil {
		return storedToken{}, fmt.Errorf("issue token for %s: %w", settings.username, err)
	}

	revocable, persistent := s.retention.of(settings.lifetime, settings.forceRevocable)
	t := storedToken{
		TokenRecord: TokenRecord{
			ID:          claims.id,
			Username:    settings.username,
			Scope:       claims.scope,
			Audience:    strings.Join(settings.audience, " "),
			Refreshable: settings.refreshable,
			IssuedAt:    issuedAt,
			ExpiresAt:   claims.expiresAt,
			AccessToken: accessToken,
			API:         settings.api,
			Description: settings.description,
			ProjectKey:  settings.projectKey,
			Revocable:   revocable,
			Persistent:  persistent,
		},
		settings: settings,
	}
	if settings.refreshable {
		t.RefreshToken = newRefreshToken()
	}
	if settings.referenceToken {
		t.ReferenceToken = newReferenceToken()
	}
	s.tokens.add(t)
	return t, nil
}
