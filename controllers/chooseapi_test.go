package controllers

import (
	"testing"

	"github.com/artifactory-token-operator/artifactory-token-operator/api/v1alpha1"
	"github.com/artifactory-token-operator/artifactory-token-operator/internal/artifactory"
)

func TestChooseAPI(t *testing.T) {
	basic := artifactory.Credentials{Username: "admin", Password: "p"}
	bearer := artifactory.Credentials{Token: "t"}
	tests := []struct {
		api     v1alpha1.API
		version string
		creds   artifactory.Credentials
		want    v1alpha1.API
		wantErr bool
	}{
		{"", "7.90.0", basic, v1alpha1.APILegacy, false},
		{v1alpha1.APILegacy, "5.4.0", basic, v1alpha1.APILegacy, false},
		{v1alpha1.APIAuto, "6.23.42", bearer, v1alpha1.APILegacy, false},
		{v1alpha1.APIAuto, "7.21.1", bearer, v1alpha1.APIAccessTokens, false},
		{v1alpha1.APIAuto, "7.50.0", basic, v1alpha1.APILegacy, false},
		{v1alpha1.APIAuto, "7.63.2", basic, v1alpha1.APIAccessTokens, false},
		{v1alpha1.APIAuto, "garbage", bearer, "", true},
		{v1alpha1.APIAccessTokens, "7.10.0", bearer, "", true},
		{v1alpha1.APIAccessTokens, "7.21.1", basic, v1alpha1.APIAccessTokens, false},
	}
	for _, tt := range tests {
		got, err := chooseAPI(tt.api, tt.version, tt.creds)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("chooseAPI(%q, %q, token=%v) = %q, %v; want %q, error %v",
				tt.api, tt.version, tt.creds.Token != "", got, err, tt.want, tt.wantErr)
		}
	}
}
