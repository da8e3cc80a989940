package emulator

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const rsaKeyBits = 2048

// accessClaims are the claims of one access token, in Artifactory's terms.
type accessClaims struct {
	id        string
	issuer    string
	subject   string
	scope     string
	audience  []string
	issuedAt  time.Time
	expiresAt *time.Time
}

// mapClaims renders the claims as Artifactory does: aud is a plain string
// when there is one audience, and exp is absent for a token that never
// expires.
func (c accessClaims) mapClaims() jwt.MapClaims {
	m := jwt.MapClaims{
		"jti": c.id,
		"iss": c.issuer,
		"sub": c.subject,
		"scp": c.scope,
		"iat": c.issuedAt.Unix(),
		"aud": audienceClaim(c.audience),
	}
	if c.expiresAt != nil {
		m["exp"] = c.expiresAt.Unix()
	}
	return m
}

func audienceClaim(audience []string) any {
	if len(audience) == 1 {
		return audience[0]
	}
	return audience
}

// signer signs and verifies access tokens with one RSA key made at start.
type signer struct {
	key *rsa.PrivateKey
	kid string
}

func newSigner() (*signer, error) {
	key, err := rsa.GenerateKey(rand.Reader, rsaKeyBits)
	if err != nil {
		return nil, fmt.Errorf("generate RSA signing key: %w", err)
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("encode RSA public key: %w", err)
	}
	sum := sha256.Sum256(der)
	return &signer{key: key, kid: hex.EncodeToString(sum[:10])}, nil
}

// sign returns the compact JWT for the claims, with the header fields
// Artifactory uses: ver "2", typ JWT, alg RS256 and the key id.
func (sg *signer) sign(c accessClaims) (string, error) {
	token := jwt.NewWithClaims(jwt.SigningMethodRS256, c.mapClaims())
	token.Header["ver"] = "2"
	token.Header["kid"] = sg.kid
	signed, err := token.SignedString(sg.key)
	if err != nil {
		return "", fmt.Errorf("sign access token: %w", err)
	}
	return signed, nil
}

// verifiedID checks the token's signature and returns its jti. Expiry is
// left to the caller, which judges it by the emulator's clock.
func (sg *signer) verifiedID(token string) (string, error) {
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(token, claims, sg.publicKey,
		jwt.WithValidMethods([]string{jwt.SigningMethodRS256.Alg()}),
		jwt.WithoutClaimsValidation())
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrTokenInvalid, err)
	}
	id, _ := claims["jti"].(string)
	if id == "" {
		return "", fmt.Errorf("%w: no jti claim", ErrTokenInvalid)
	}
	return id, nil
}

func (sg *signer) publicKey(*jwt.Token) (any, error) {
	return &sg.key.PublicKey, nil
}

// unverifiedSubject reads the sub claim without checking the signature. It
// only serves to attribute a failed login to a user.
func unverifiedSubject(token string) string {
	claims := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(token, claims); err != nil {
		return ""
	}
	sub, _ := claims["sub"].(string)
	return sub
}
