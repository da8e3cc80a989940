// Package emulator is a stand-in for JFrog Artifactory's token endpoints,
// for the operator's tests and demo. It imports nothing from the operator:
// it plays somebody else's server, and follows what
// docs/artifactory-token-api.md says of the real one, error bodies
// included.
//
// # Endpoints
//
// The legacy token API:
//
//	POST /artifactory/api/security/token         create (grant_type=client_credentials)
//	                                              or refresh (grant_type=refresh_token)
//	POST /artifactory/api/security/token/revoke  revoke by token or token_id (admin)
//	GET  /artifactory/api/security/token         list live tokens (admin)
//
// the Access Tokens API, served from version 7.21.1 unless
// Config.DisableAccessAPI (otherwise its paths answer 404):
//
//	POST   /access/api/v1/tokens       create or refresh, JSON or form
//	GET    /access/api/v1/tokens       list stored live tokens (admin); filters
//	                                   description, username, refreshable
//	GET    /access/api/v1/tokens/{id}  one stored live token (admin or its user)
//	GET    /access/api/v1/tokens/me    the token the caller logged in with
//	DELETE /access/api/v1/tokens/{id}  revoke (admin or its user)
//
// and the system endpoints:
//
//	GET /artifactory/api/system/version     anyone, credentials are not looked at
//	GET /artifactory/api/system/service_id  admin, text/plain jfrt@<id>
//	GET /artifactory/api/system/ping        OK for valid credentials, else 401
//
// Callers log in with Basic user:password, Basic user:<access token>, or
// Bearer <access token>. An access token acts as an admin when its user is
// a configured admin or its scope holds jfrt@<id>:admin (or jfrt@*:admin),
// and it is only accepted when its audience names this Artifactory
// (jfrt@<id>, jfrt@*, *@<id> or *@*). Revoked and expired tokens are bad
// credentials. Config.BlockAfterFailures failed logins within a minute
// block the claimed user (or, when no user can be told, the client
// address) for Config.BlockFor: every request from it then answers 403,
// whatever its credentials. Missing credentials answer 401 "Authentication
// is required" and do not count as failures.
//
// Token requests the caller may not make (another user's token, foreign
// groups, the admin scope) answer 403 with an access_denied body in the
// token endpoint's {"error","error_description"} shape; malformed requests
// answer 400 invalid_request, and a spent or unknown refresh pair 400
// invalid_grant. A create without scope is granted "api:*".
//
// # Access Tokens API
//
// Its answers and refusals come in Access's {"errors":[{"code","message"}]}
// shape, login refusals included, except DELETE's 400 in the flat
// {"code","message","detail"}. Bearer tokens, and reference tokens, always
// log in; Basic credentials only when Config.AccessBasicAuth is set and the
// version is 7.63.2 or later, and are otherwise refused with 401
// "Unsupported authentication method Basic", which counts as no failed
// login. Access accepts tokens whose audience names jfac@ or jfrt@, so
// legacy tokens work on it.
//
// A create reads grant_type, username, scope, expires_in, refreshable,
// audience, description, include_reference_token, force_revocable (JSON
// only: a form's is ignored) and project_key; JSON values may be given as
// strings. Its rules, the first broken one answering:
//   - username defaults to the caller; only admins may name another (403),
//     and a user the emulator does not know needs a groups scope (400);
//   - scope defaults to applied-permissions/user; applied-permissions/admin
//     is for admins (403); applied-permissions/groups:a,b names the
//     caller's own groups unless it is an admin (403);
//     applied-permissions/roles:<project>:<role> is accepted; legacy scopes
//     such as member-of-groups: are refused (400);
//   - expires_in left out gets Config.DefaultExpiry, cut to the caller's
//     limit; 0 (never expires) is for admins (403), and before 7.42.1 gets
//     the default instead; non-admins get at most Config.NonAdminMaxExpiry
//     and everyone at most Config.MaxExpiry (403 beyond);
//   - audience defaults to *@*.
//
// The answer holds token_id, access_token, scope, token_type Bearer,
// expires_in (absent for a token that never expires), refresh_token when
// refreshable, and reference_token (64 characters starting "cmVmd") when
// asked for from 7.38.10. Refreshing takes the refresh token alone
// (access_token, when sent, must match) from 7.37.9, copies the old
// token's settings, and spends the refresh token: reuse answers 404
// "Token matching the provided refresh token was not found.". Each API
// only refreshes the tokens it issued.
//
// A token is revocable when it never expires, lives at least
// Config.RevocableExpiryThreshold, or was created with force_revocable
// (from 7.50.3); it is stored when revocable or living at least
// Config.PersistentExpiryThreshold. Tokens of either API that are not
// stored are not listed and are unknown to GET and DELETE by id (404),
// though they work until they expire. DELETE answers 200 when it revoked,
// 204 when the token already was, 400 "Token not revocable" for a stored
// token that is not revocable, and DELETE /access/api/v1/tokens/ 405.
// Other paths and methods under /access/ answer 404 and 405 in Access's
// shape.
//
// # Fault switches
//
// InjectFault, SetLatency, SetOutage and SetMaxLifetime change how the
// emulator answers while it serves; SetMaxLifetime caps the tokens of both
// APIs, and the capped lifetime decides revocability and storage. Latency
// applies first, then faults; during an outage connections are closed
// without an answer. The same switches are reachable over HTTP, and these
// control endpoints are never faulted, delayed or dropped themselves, nor
// do they need credentials:
//
//	POST   /_emulator/faults        inject a fault, JSON body:
//	                                {"method":"POST",
//	                                 "pathPrefix":"/artifactory/api/security/token",
//	                                 "status":503,"body":"...","contentType":"text/plain",
//	                                 "retryAfter":"2s","times":1}
//	                                every field optional; times 0 = until cleared
//	DELETE /_emulator/faults        clear all faults
//	PUT    /_emulator/latency       {"latency":"2s"}, "0s" turns it off
//	PUT    /_emulator/max-lifetime  {"maxLifetime":"30s"}, "0s" lifts the cap
//	PUT    /_emulator/outage        {"outage":true} or {"outage":false}
//	GET    /_emulator/tokens        {"tokens":[...]} every token issued, without
//	                                its access, refresh or reference token
//
// The writing endpoints answer 204, and 400 with an Artifactory error body
// when the JSON is not understood.
//
// # Tokens
//
// Access tokens are RS256 JWTs signed with an RSA key made in New (see
// PublicKey). Their claims are sub (jfrt@<id>/users/<name>), scp, aud, iss
// (jfrt@<id>), iat, exp (absent when the token never expires) and jti, the
// token id; the Access API's have sub jfac@<id>/users/<name> and iss
// jfac@<id>, the same id. Reference tokens stand for their access token
// wherever it is accepted. Refresh tokens are opaque and single-use; the
// access token they came with stays valid until it expires or is revoked.
// Expiry is judged by Config.Now.
//
// Tokens, LiveTokens, IssuedSecrets, Calls, CountCalls and Validate let
// tests see what the emulator issued and was asked, for both APIs;
// TokenRecord.API tells them apart.
package emulator
