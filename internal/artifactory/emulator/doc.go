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
// # Fault switches
//
// InjectFault, SetLatency, SetOutage and SetMaxLifetime change how the
// emulator answers while it serves. Latency applies first, then faults;
// during an outage connections are closed without an answer. The same
// switches are reachable over HTTP, and these control endpoints are never
// faulted, delayed or dropped themselves, nor do they need credentials:
//
//	POST   /_emulator/faults        inject a fault, JSON body:
//	                                {"method":"POST","pathPrefix":"/artifactory/api/security/token",
//	                                 "status":503,"body":"...","contentType":"text/plain",
//	                                 "retryAfter":"2s","times":1}
//	                                every field optional; times 0 = until cleared
//	DELETE /_emulator/faults        clear all faults
//	PUT    /_emulator/latency       {"latency":"2s"}, "0s" turns it off
//	PUT    /_emulator/max-lifetime  {"maxLifetime":"30s"}, "0s" lifts the cap
//	PUT    /_emulator/outage        {"outage":true} or {"outage":false}
//	GET    /_emulator/tokens        {"tokens":[...]} every token issued, without
//	                                its access or refresh token value
//
// The writing endpoints answer 204, and 400 with an Artifactory error body
// when the JSON is not understood.
//
// # Tokens
//
// Access tokens are RS256 JWTs signed with an RSA key made in New (see
// PublicKey). Their claims are sub (jfrt@<id>/users/<name>), scp, aud, iss
// (jfrt@<id>), iat, exp (absent when the token never expires) and jti, the
// token id. Refresh tokens are opaque and single-use; the access token they
// came with stays valid until it expires or is revoked. Expiry is judged by
// Config.Now.
//
// Tokens, LiveTokens, IssuedSecrets, Calls, CountCalls and Validate let
// tests see what the emulator issued and was asked.
package emulator
