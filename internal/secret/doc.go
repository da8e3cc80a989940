// Package secret says what goes into the Secret an ArtifactoryToken fills:
// its keys, labels and annotations, and the hashes that let the operator
// tell, without keeping the token anywhere else, whether the Secret still
// holds the token it issued and whether that token still fits the spec.
package secret
