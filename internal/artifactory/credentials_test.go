package artifactory

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestCredentialsFromSecretData(t *testing.T) {
	tests := []struct {
		name    string
		data    map[string][]byte
		want    Credentials
		wantErr string
	}{
		{
			name: "basic auth",
			data: map[string][]byte{"username": []byte("admin"), "password": []byte("pa ss\n")},
			want: Credentials{Username: "admin", Password: "pa ss"},
		},
		{
			name: "token",
			data: map[string][]byte{"token": []byte("  tok-en-value\r\n")},
			want: Credentials{Token: "tok-en-value"},
		},
		{
			name: "other keys are ignored",
			data: map[string][]byte{"token": []byte("tok"), "ca.crt": []byte("pem")},
			want: Credentials{Token: "tok"},
		},
		{
			name: "both forms",
			data: map[string][]byte{
				"username": []byte("a"), "password": []byte("b"), "token": []byte("c"),
			},
			wantErr: "both",
		},
		{
			name:    "token and username",
			data:    map[string][]byte{"username": []byte("a"), "token": []byte("c")},
			wantErr: "both",
		},
		{name: "nothing", data: nil, wantErr: "none"},
		{
			name:    "unrelated keys only",
			data:    map[string][]byte{"user": []byte("a")},
			wantErr: "none",
		},
		{
			name:    "username without password",
			data:    map[string][]byte{"username": []byte("a")},
			wantErr: `no "password"`,
		},
		{
			name:    "password without username",
			data:    map[string][]byte{"password": []byte("hunter2-value")},
			wantErr: `no "username"`,
		},
		{
			name:    "empty password",
			data:    map[string][]byte{"username": []byte("a"), "password": []byte("\n")},
			wantErr: `"password" is empty`,
		},
		{
			name:    "empty username",
			data:    map[string][]byte{"username": []byte(" "), "password": []byte("hunter2-v")},
			wantErr: `"username" is empty`,
		},
		{name: "empty token", data: map[string][]byte{"token": {}}, wantErr: `"token" is empty`},
		{
			name:    "token with a space inside",
			data:    map[string][]byte{"token": []byte("tok en-value")},
			wantErr: "white space",
		},
		{
			name:    "colon in username",
			data:    map[string][]byte{"username": []byte("a:b"), "password": []byte("hunter2-v")},
			wantErr: "contains ':'",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CredentialsFromSecretData(tt.data)
			if tt.wantErr == "" {
				if err != nil || got != tt.want {
					t.Fatalf("got %#v, %v; want %#v", got, err, tt.want)
				}
				return
			}

			if !errors.Is(err, ErrInvalidCredentials) ||
				!strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error = %v, want ErrInvalidCredentials saying %q", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), expectedKeys) {
				t.Errorf("error %q does not name the keys expected", err)
			}
			for k, v := range tt.data {
				if len(v) > 2 && strings.Contains(err.Error(), strings.TrimSpace(string(v))) {
					t.Errorf("error %q echoes the value of %q", err, k)
				}
			}
		})
	}
}

// TestEmptyTokenKeyIsReported: an empty token is not silently taken for
// anonymous access.
func TestEmptyTokenKeyIsReported(t *testing.T) {
	_, err := CredentialsFromSecretData(map[string][]byte{"token": []byte("")})
	if !errors.Is(err, ErrInvalidCredentials) {
		t.Fatalf("error = %v, want ErrInvalidCredentials", err)
	}
}

func TestCredentialsNeverPrintSecrets(t *testing.T) {
	creds := []Credentials{
		{Username: "admin", Password: "hunter2-password"},
		{Token: "tok-secret-value"},
	}
	for _, c := range creds {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			out := fmt.Sprintf(verb, c) + fmt.Sprintf(verb, Options{Credentials: c})
			if strings.Contains(out, "hunter2") || strings.Contains(out, "tok-secret") {
				t.Errorf("%s printed a secret: %s", verb, out)
			}
		}
	}
}
