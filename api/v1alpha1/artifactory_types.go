package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// API names the token endpoints an Artifactory is spoken to with.
//
// +kubebuilder:validation:Enum=Legacy;AccessTokens;Auto
type API string

const (
	// APILegacy is POST /artifactory/api/security/token (Artifactory 5.0 on).
	APILegacy API = "Legacy"

	// APIAccessTokens is POST /access/api/v1/tokens (Artifactory 7.21.1 on).
	APIAccessTokens API = "AccessTokens"

	// APIAuto reads the server's version and picks AccessTokens from 7.21.1 on.
	APIAuto API = "Auto"
)

// Keys of the credentials Secret an Artifactory names.
const (
	// CredentialsUsernameKey and CredentialsPasswordKey hold HTTP basic credentials.
	CredentialsUsernameKey = "username"
	CredentialsPasswordKey = "password"

	// CredentialsTokenKey holds an access token sent as a Bearer token.
	CredentialsTokenKey = "token"
)

// LocalSecretReference names a Secret in a namespace the referrer implies.
type LocalSecretReference struct {
	// name is the Secret's name.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`
}

// ArtifactorySpec is one Artifactory (JFrog Platform) server and the
// credentials the operator mints tokens with.
type ArtifactorySpec struct {
	// url is the platform base URL, such as https://acme.jfrog.io. A trailing
	// /artifactory is accepted and stripped.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=2048
	// +kubebuilder:validation:XValidation:rule="self.matches('^https?://[^/?#]+')",message="url must be an http:// or https:// URL with a host"
	URL string `json:"url"`

	// credentialsSecretRef names a Secret in the same namespace holding either
	// `username` and `password` (HTTP basic) or `token` (sent as a Bearer token).
	// +required
	CredentialsSecretRef LocalSecretReference `json:"credentialsSecretRef"`

	// api selects the token endpoints: Legacy, AccessTokens, or Auto (by the
	// server's version).
	// +optional
	// +kubebuilder:default=Legacy
	API API `json:"api,omitempty"`

	// caBundle is a PEM bundle of certificate authorities to trust for https,
	// in addition to the system's.
	// +optional
	// +kubebuilder:validation:MaxLength=1048576
	CABundle string `json:"caBundle,omitempty"`
}

// ArtifactoryStatus is what the operator last observed of the server.
type ArtifactoryStatus struct {
	// observedGeneration is the generation these conditions describe.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// conditions: Ready is True when the credentials are readable and the
	// server answered.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// version is the version the server reported.
	// +optional
	Version string `json:"version,omitempty"`

	// api is the token API in use: spec.api, or the one Auto chose.
	// +optional
	API API `json:"api,omitempty"`

	// credentialsVersion is the resourceVersion of the credentials Secret
	// last read; a change probes the server again.
	// +optional
	CredentialsVersion string `json:"credentialsVersion,omitempty"`

	// failedAttempts counts the failed probes since the last success.
	// +optional
	FailedAttempts int32 `json:"failedAttempts,omitempty"`
}

// Artifactory is an Artifactory server that mints tokens for the
// ArtifactoryTokens of its namespace.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="URL",type=string,JSONPath=`.spec.url`
// +kubebuilder:printcolumn:name="API",type=string,JSONPath=`.status.api`
// +kubebuilder:printcolumn:name="Version",type=string,JSONPath=`.status.version`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
// +kubebuilder:printcolumn:name="Message",type=string,priority=1,JSONPath=`.status.conditions[?(@.type=="Ready")].message`
type Artifactory struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec is the server and its credentials.
	// +required
	Spec ArtifactorySpec `json:"spec"`

	// status is what the operator last observed.
	// +optional
	Status ArtifactoryStatus `json:"status,omitempty"`
}

// ArtifactoryList is a list of Artifactory.
//
// +kubebuilder:object:root=true
type ArtifactoryList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Artifactory `json:"items"`
}

// ClusterArtifactoryPolicy says which namespaces may use a ClusterArtifactory
// and what they may ask it for. The zero policy admits nothing.
type ClusterArtifactoryPolicy struct {
	// namespaceSelector selects the namespaces whose ArtifactoryTokens may use
	// this server. Absent, no namespace may; {} selects every namespace.
	// +optional
	NamespaceSelector *metav1.LabelSelector `json:"namespaceSelector,omitempty"`

	// allowedUsernames are glob patterns (*, ?, [...]) a token's username must
	// match. Absent or empty, no username is allowed.
	// +optional
	// +kubebuilder:validation:MaxItems=64
	// +kubebuilder:validation:items:MaxLength=255
	AllowedUsernames []string `json:"allowedUsernames,omitempty"`

	// allowedScopes are glob patterns each space-separated scope token must
	// match. A token without scope is always allowed.
	// +optional
	// +kubebuilder:validation:MaxItems=64
	// +kubebuilder:validation:items:MaxLength=500
	AllowedScopes []string `json:"allowedScopes,omitempty"`

	// maxExpiresIn is the longest expiresIn a token may ask for.
	// +optional
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:XValidation:rule="duration(self) >= duration('0s')",message="maxExpiresIn must not be negative"
	MaxExpiresIn *metav1.Duration `json:"maxExpiresIn,omitempty"`

	// allowNonExpiring lets tokens ask for expiresIn: 0s.
	// +optional
	AllowNonExpiring bool `json:"allowNonExpiring,omitempty"`

	// allowRefreshable lets tokens ask for refreshable: true.
	// +optional
	AllowRefreshable bool `json:"allowRefreshable,omitempty"`
}

// ClusterArtifactorySpec is an Artifactory for the whole cluster, with the
// policy of who may use it.
type ClusterArtifactorySpec struct {
	ArtifactorySpec `json:",inline"`

	// policy says which namespaces may use this server and for what. The
	// default admits no namespace.
	// +optional
	Policy ClusterArtifactoryPolicy `json:"policy,omitempty"`
}

// ClusterArtifactory is an Artifactory server that mints tokens for the
// namespaces its policy admits. Its credentials Secret lives in the
// manager's --cluster-resource-namespace.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Cluster
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="URL",type=string,JSONPath=`.spec.url`
// +kubebuilder:printcolumn:name="API",type=string,JSONPath=`.status.api`
// +kubebuilder:printcolumn:name="Version",type=string,JSONPath=`.status.version`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type ClusterArtifactory struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec is the server, its credentials and its policy.
	// +required
	Spec ClusterArtifactorySpec `json:"spec"`

	// status is what the operator last observed.
	// +optional
	Status ArtifactoryStatus `json:"status,omitempty"`
}

// ClusterArtifactoryList is a list of ClusterArtifactory.
//
// +kubebuilder:object:root=true
type ClusterArtifactoryList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ClusterArtifactory `json:"items"`
}
