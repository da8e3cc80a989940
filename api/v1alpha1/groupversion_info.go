// Package v1alpha1 holds the v1alpha1 API of the artifactory.token-operator.dev
// group: ArtifactoryToken, the token a user asks for, and Artifactory, the
// server and credentials that mint it.
//
// +kubebuilder:object:generate=true
// +groupName=artifactory.token-operator.dev
package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

var (
	// GroupVersion is the group and version of these kinds.
	GroupVersion = schema.GroupVersion{Group: "artifactory.token-operator.dev", Version: "v1alpha1"}

	// SchemeBuilder registers the kinds of this group.
	SchemeBuilder = runtime.NewSchemeBuilder(addKnownTypes)

	// AddToScheme adds the kinds of this group to a scheme.
	AddToScheme = SchemeBuilder.AddToScheme
)

func addKnownTypes(s *runtime.Scheme) error {
	s.AddKnownTypes(GroupVersion,
		&Artifactory{}, &ArtifactoryList{},
		&ArtifactoryToken{}, &ArtifactoryTokenList{},
		&ClusterArtifactory{}, &ClusterArtifactoryList{},
	)
	metav1.AddToGroupVersion(s, GroupVersion)
	return nil
}
