// Package v1alpha1 holds the v1alpha1 API of the artifactory.token-operator.dev
// group: ArtifactoryToken, the token a user asks for, and Artifactory, the
// server and credentials that mint it.
//
// +kubebuilder:object:generate=true
// +groupName=artifactory.token-operator.dev
package v1alpha1

import (
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/scheme"
)

var (
	// GroupVersion is the group and version of these kinds.
	GroupVersion = schema.GroupVersion{Group: "artifactory.token-operator.dev", Version: "v1alpha1"}

	// SchemeBuilder registers the kinds of this group.
	SchemeBuilder = &scheme.Builder{GroupVersion: GroupVersion}

	// AddToScheme adds the kinds of this group to a scheme.
	AddToScheme = SchemeBuilder.AddToScheme
)
