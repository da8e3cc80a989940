package v1alpha1

// ConditionReady is the condition type every kind of this group reports.
const ConditionReady = "Ready"

// Finalizer revokes an ArtifactoryToken's tokens when it is deleted.
const Finalizer = "artifactory.token-operator.dev/revoke"

// Reasons of an ArtifactoryToken's Ready condition.
const (
	// ReasonIssued: the Secret holds a live token that matches the spec.
	ReasonIssued = "Issued"

	// ReasonIssuing: the operator is about to mint the first token.
	ReasonIssuing = "Issuing"

	// ReasonArtifactoryNotFound: the referenced Artifactory does not exist.
	ReasonArtifactoryNotFound = "ArtifactoryNotFound"

	// ReasonArtifactoryNotReady: the referenced Artifactory has not answered
	// its probe yet, or its last probe failed; the message is its own.
	ReasonArtifactoryNotReady = "ArtifactoryNotReady"

	// ReasonInvalidArtifactory: the Artifactory's URL, CA bundle or
	// credentials Secret cannot be used.
	ReasonInvalidArtifactory = "InvalidArtifactory"

	// ReasonCredentialsRejected: Artifactory refused the operator's
	// credentials (401, or blocked after repeated failures).
	ReasonCredentialsRejected = "CredentialsRejected"

	// ReasonArtifactoryRefused: Artifactory refused the request; the message
	// is Artifactory's own.
	ReasonArtifactoryRefused = "ArtifactoryRefused"

	// ReasonArtifactoryUnavailable: Artifactory could not be reached or
	// answered with a server error.
	ReasonArtifactoryUnavailable = "ArtifactoryUnavailable"

	// ReasonSecretConflict: a Secret with the target name exists and is not
	// controlled by this ArtifactoryToken, so it is left alone.
	ReasonSecretConflict = "SecretConflict"

	// ReasonSecretWriteFailed: the apiserver refused the Secret; the token
	// minted for it was revoked.
	ReasonSecretWriteFailed = "SecretWriteFailed"

	// ReasonInternalError: an unexpected error; the operator's log has more.
	ReasonInternalError = "InternalError"

	// ReasonExpired: the Secret's token expired and no new one could be
	// issued yet; the message says why.
	ReasonExpired = "Expired"

	// ReasonRenewalFailing keeps Ready True: the Secret still holds a live
	// token that matches the spec, but replacing it failed; the message says
	// why and the failure is retried with backoff.
	ReasonRenewalFailing = "RenewalFailing"
)

// Reasons of an Artifactory's or ClusterArtifactory's Ready condition, besides
// ReasonInvalidArtifactory, ReasonArtifactoryUnavailable and
// ReasonCredentialsRejected.
const (
	// ReasonConnected: the credentials are readable and the server answered.
	ReasonConnected = "Connected"
)

// Reasons of the events the operator records about revocation.
const (
	// EventRevoked: a replaced or deleted token was revoked.
	EventRevoked = "Revoked"

	// EventNotRevocable: Artifactory cannot revoke the token; it runs out
	// at its expiry.
	EventNotRevocable = "NotRevocable"

	// EventRevocationFailed: revoking failed; the operator retries while the
	// token is live, and says which tokens it gave up on.
	EventRevocationFailed = "RevocationFailed"
)
