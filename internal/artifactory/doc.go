// Package artifactory is the operator's HTTP client for JFrog Artifactory's
// token endpoints.
//
// A Client mints, refreshes and revokes access tokens and reads the server
// version. NewLegacy builds one for the legacy endpoints under
// /artifactory/api/security/token, NewAccess one for the Access Tokens API
// under /access/api/v1/tokens, which translates legacy scopes with
// AccessScope. PickAPI chooses between them by the server's version. Every
// call runs under a timeout, so a server that stops answering cannot hold
// up a reconcile.
//
// A server that answers with an error status gives an *APIError, whatever
// shape its body had; IsUnauthorized, IsRefreshRefused, IsNotRevocable and
// RetryAfter classify it. Messages built from a server's answer pass through
// Redact, and the secrets a call sent (password, token, refresh token) are
// removed from them even when the server echoes them back. An IssuedToken's
// AccessToken, RefreshToken and ReferenceToken are all secrets.
//
// DecodeClaims reads a JWT's claims without checking its signature: the
// operator hands tokens out, it never accepts them.
package artifactory
