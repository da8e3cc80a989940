package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ReferenceKind names the kind an ArtifactoryToken takes its server from.
//
// +kubebuilder:validation:Enum=Artifactory;ClusterArtifactory
type ReferenceKind string

const (
	// KindArtifactory is a namespaced Artifactory in the token's namespace.
	KindArtifactory ReferenceKind = "Artifactory"

	// KindClusterArtifactory is a cluster-scoped ClusterArtifactory.
	KindClusterArtifactory ReferenceKind = "ClusterArtifactory"
)

// ArtifactoryReference names the server a token is minted on.
type ArtifactoryReference struct {
	// name is the name of the Artifactory or ClusterArtifactory.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`

	// kind is Artifactory (in the token's namespace) or ClusterArtifactory.
	// +optional
	// +kubebuilder:default=Artifactory
	Kind ReferenceKind `json:"kind,omitempty"`
}

// Revocation says when tokens the operator no longer needs are revoked.
type Revocation struct {
	// onDelete revokes the live token when the ArtifactoryToken is deleted.
	// +optional
	// +kubebuilder:default=true
	OnDelete *bool `json:"onDelete,omitempty"`

	// gracePeriod is how long a replaced token stays valid after its successor
	// was written to the Secret, so that pods reading the mounted Secret pick
	// the new token up before the old one stops working.
	// +optional
	// +kubebuilder:default="10m"
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:XValidation:rule="duration(self) >= duration('0s')",message="gracePeriod must not be negative"
	GracePeriod *metav1.Duration `json:"gracePeriod,omitempty"`
}

// ArtifactoryTokenSpec is the token a user asks for and where it goes.
//
// +kubebuilder:validation:XValidation:rule="!has(self.renewBefore) || !has(self.expiresIn) || duration(self.expiresIn) == duration('0s') || duration(self.renewBefore) < duration(self.expiresIn)",message="renewBefore must be shorter than expiresIn"
type ArtifactoryTokenSpec struct {
	// artifactoryRef names the Artifactory that mints the token.
	// +required
	ArtifactoryRef ArtifactoryReference `json:"artifactoryRef"`

	// username is the Artifactory user the token is for.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=255
	Username string `json:"username"`

	// scope holds space-separated scope tokens, passed as Artifactory takes
	// them, such as "member-of-groups:readers".
	// +optional
	// +kubebuilder:validation:MaxLength=500
	Scope string `json:"scope,omitempty"`

	// expiresIn is the lifetime to ask for, in whole seconds; 0s asks for a
	// token that never expires. Artifactory may grant less.
	// +optional
	// +kubebuilder:default="1h"
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:XValidation:rule="duration(self) >= duration('0s')",message="expiresIn must not be negative"
	// +kubebuilder:validation:XValidation:rule="duration(self).getMilliseconds() % 1000 == 0",message="expiresIn must be a whole number of seconds"
	ExpiresIn *metav1.Duration `json:"expiresIn,omitempty"`

	// refreshable asks for a refresh token, which the operator then renews
	// the token with.
	// +optional
	// +kubebuilder:default=false
	Refreshable bool `json:"refreshable,omitempty"`

	// audience holds space-separated service IDs the token is valid for, such
	// as "jfrt@*".
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	Audience string `json:"audience,omitempty"`

	// secretName is the Secret the token is written to, in the token's
	// namespace. Defaults to the ArtifactoryToken's name.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`
	SecretName string `json:"secretName,omitempty"`

	// renewBefore is how long before expiry the token is renewed. Without it,
	// or when it is not shorter than the lifetime Artifactory granted, the
	// token is renewed when a third of that lifetime is left.
	// +optional
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:XValidation:rule="duration(self) >= duration('0s')",message="renewBefore must not be negative"
	RenewBefore *metav1.Duration `json:"renewBefore,omitempty"`

	// revocation says when replaced and deleted tokens are revoked.
	// +optional
	// +kubebuilder:default={}
	Revocation Revocation `json:"revocation,omitempty"`
}

// ArtifactoryTokenStatus is the token the Secret holds now.
type ArtifactoryTokenStatus struct {
	// observedGeneration is the generation last reconciled successfully.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// conditions: Ready is True when the Secret holds a live token matching
	// the spec; when False, its message is Artifactory's own, tokens redacted.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// secretName is the Secret that holds the token.
	// +optional
	SecretName string `json:"secretName,omitempty"`

	// tokenID is Artifactory's token_id, or the JWT's jti.
	// +optional
	TokenID string `json:"tokenID,omitempty"`

	// issuedAt is when Artifactory issued the token.
	// +optional
	IssuedAt *metav1.Time `json:"issuedAt,omitempty"`

	// expiresAt is when the token expires; absent for non-expiring tokens.
	// +optional
	ExpiresAt *metav1.Time `json:"expiresAt,omitempty"`

	// renewalTime is when the operator renews the token; absent for
	// non-expiring tokens.
	// +optional
	RenewalTime *metav1.Time `json:"renewalTime,omitempty"`

	// failedAttempts counts the failures since the last success.
	// +optional
	FailedAttempts int32 `json:"failedAttempts,omitempty"`

	// lastFailureTime is when the last attempt failed.
	// +optional
	LastFailureTime *metav1.Time `json:"lastFailureTime,omitempty"`

	// pendingRevocations are replaced tokens waiting out their grace period
	// before they are revoked. Token ids are not secret.
	// +optional
	// +listType=map
	// +listMapKey=tokenID
	// +kubebuilder:validation:MaxItems=64
	PendingRevocations []PendingRevocation `json:"pendingRevocations,omitempty"`
}

// PendingRevocation is a replaced token the operator revokes later.
type PendingRevocation struct {
	// tokenID is the token's id.
	// +required
	// +kubebuilder:validation:MaxLength=256
	TokenID string `json:"tokenID"`

	// revokeAt is when the token is revoked.
	// +required
	RevokeAt metav1.Time `json:"revokeAt"`

	// expiresAt is when the token expires anyway; absent if it never does.
	// Once it has passed, nothing is left to revoke.
	// +optional
	ExpiresAt *metav1.Time `json:"expiresAt,omitempty"`

	// failedAttempts counts the revocations of this token that failed.
	// +optional
	FailedAttempts int32 `json:"failedAttempts,omitempty"`

	// url is the server that issued the token, where it is revoked; absent
	// when it is the Artifactory's url.
	// +optional
	// +kubebuilder:validation:MaxLength=2048
	URL string `json:"url,omitempty"`
}

// ArtifactoryToken asks for an Artifactory access token kept valid in a Secret.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=arttoken
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].reason`
// +kubebuilder:printcolumn:name="Username",type=string,JSONPath=`.spec.username`
// +kubebuilder:printcolumn:name="Expires",type=string,JSONPath=`.status.expiresAt`
// +kubebuilder:printcolumn:name="Renewal",type=string,JSONPath=`.status.renewalTime`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
// +kubebuilder:printcolumn:name="Message",type=string,priority=1,JSONPath=`.status.conditions[?(@.type=="Ready")].message`
// +kubebuilder:validation:XValidation:rule="size(self.metadata.name) <= 63",message="metadata.name must be at most 63 characters: it labels the Secret"
type ArtifactoryToken struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec is the token asked for.
	// +required
	Spec ArtifactoryTokenSpec `json:"spec"`

	// status is the token the Secret holds now.
	// +optional
	Status ArtifactoryTokenStatus `json:"status,omitempty"`
}

// ArtifactoryTokenList is a list of ArtifactoryToken.
//
// +kubebuilder:object:root=true
type ArtifactoryTokenList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ArtifactoryToken `json:"items"`
}
