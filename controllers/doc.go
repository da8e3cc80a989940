// Package controllers holds the reconcilers. Each is thin: it gathers what
// a decision needs from the apiserver, leaves the decision to the issuance
// package, acts on it through the Artifactory client and the Secret, and
// records the outcome on status once.
package controllers
