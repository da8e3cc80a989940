// Package issuance makes the operator's decisions without doing any I/O:
// when a token is renewed, whether the Secret's token must be replaced and
// why, and how long to wait after a failure.
//
// The reconciler gathers everything a decision needs into an Input, asks
// Decide, and acts on the Decision it gets back. Every rule here is covered
// by table tests, with the clock passed in.
package issuance
