package artifactory

import (
	"strings"
	"testing"
)

func TestNormalizeBaseURL(t *testing.T) {
	tests := []struct {
		raw     string
		want    string
		wantErr string
	}{
		{raw: "https://acme.jfrog.io", want: "https://acme.jfrog.io"},
		{raw: "  https://acme.jfrog.io/  ", want: "https://acme.jfrog.io"},
		{raw: "https://acme.jfrog.io/artifactory", want: "https://acme.jfrog.io"},
		{raw: "https://acme.jfrog.io/artifactory//", want: "https://acme.jfrog.io"},
		{raw: "http://localhost:8081/artifactory/", want: "http://localhost:8081"},
		{raw: "HTTPS://Acme.JFrog.io", want: "https://acme.jfrog.io"},
		{raw: "https://proxy.example/jfrog/artifactory", want: "https://proxy.example/jfrog"},
		{raw: "https://proxy.example/jfrog/", want: "https://proxy.example/jfrog"},
		{raw: "https://host/my-artifactory", want: "https://host/my-artifactory"},
		{raw: "http://[::1]:8081/artifactory", want: "http://[::1]:8081"},
		{raw: "", wantErr: "empty"},
		{raw: "   ", wantErr: "empty"},
		{raw: "acme.jfrog.io", wantErr: "scheme"},
		{raw: "localhost:8081", wantErr: "scheme"},
		{raw: "ftp://acme.jfrog.io", wantErr: "scheme"},
		{raw: "https://", wantErr: "no host"},
		{raw: "https:///artifactory", wantErr: "no host"},
		{raw: "https://:8081", wantErr: "no host"},
		{raw: "https://admin:hunter2@acme.jfrog.io", wantErr: "credentials"},
		{raw: "https://acme.jfrog.io/?x=1", wantErr: "query"},
		{raw: "https://acme.jfrog.io/#top", wantErr: "fragment"},
		{raw: "https://acme.jfrog.io:port", wantErr: "port"},
		{raw: "https://admin:hun ter2@acme jfrog", wantErr: "base URL"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			got, err := NormalizeBaseURL(tt.raw)
			if tt.wantErr == "" {
				if err != nil || got != tt.want {
					t.Fatalf("got %q, %v; want %q", got, err, tt.want)
				}
				return
			}

			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("got %q, %v; want an error about %q", got, err, tt.wantErr)
			}
			if strings.Contains(err.Error(), "ter2") {
				t.Errorf("error %q shows the password", err)
			}
		})
	}
}
