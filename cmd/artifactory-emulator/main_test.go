package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/artifactory-token-operator/artifactory-token-operator/internal/artifactory/emulator"
)

// defaultAccess are the Access options without flags.
var defaultAccess = accessOptions{
	defaultExpiry:       365 * 24 * time.Hour,
	nonAdminMaxExpiry:   time.Hour,
	revocableThreshold:  6 * time.Hour,
	persistentThreshold: 3 * time.Hour,
}

func TestParseFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    options
		wantErr string
	}{
		{
			name: "defaults",
			want: options{
				listen:  "127.0.0.1:18081",
				version: "7.90.0",
				users:   []emulator.User{{Name: "admin", Password: "password", Admin: true}},
				access:  defaultAccess,
			},
		},
		{
			name: "everything",
			args: []string{"--listen", "0.0.0.0:9000", "--admin", "root:s:cret",
				"--user", "alice:pw:readers,writers", "--user", "bob:pw2",
				"--service-id", "abc", "--version", "7.77.3", "--max-lifetime", "30s",
				"--latency", "250ms", "--tls-cert", "c.pem", "--tls-key", "k.pem",
				"--disable-access-api", "--access-basic-auth", "--default-expiry", "48h",
				"--max-expiry", "72h", "--non-admin-max-expiry", "-1s",
				"--revocable-expiry-threshold", "2h", "--persistent-expiry-threshold", "-1s"},
			want: options{
				listen: "0.0.0.0:9000",
				users: []emulator.User{
					{Name: "root", Password: "s:cret", Admin: true},
					{Name: "alice", Password: "pw", Groups: []string{"readers", "writers"}},
					{Name: "bob", Password: "pw2"},
				},
				serviceID: "abc", version: "7.77.3",
				maxLifetime: 30 * time.Second, latency: 250 * time.Millisecond,
				tlsCert: "c.pem", tlsKey: "k.pem",
				access: accessOptions{
					disable: true, basicAuth: true,
					defaultExpiry: 48 * time.Hour, maxExpiry: 72 * time.Hour,
					nonAdminMaxExpiry: -time.Second, revocableThreshold: 2 * time.Hour,
					persistentThreshold: -time.Second,
				},
			},
		},
		{name: "admin without password", args: []string{"--admin", "root"},
			wantErr: "--admin"},
		{name: "user without password", args: []string{"--user", "alice"},
			wantErr: "--user"},
		{name: "cert without key", args: []string{"--tls-cert", "c.pem"},
			wantErr: "--tls-key"},
		{name: "negative latency", args: []string{"--latency", "-1s"},
			wantErr: "negative"},
		{name: "stray argument", args: []string{"serve"}, wantErr: "unexpected"},
		{name: "zero default expiry", args: []string{"--default-expiry", "0s"},
			wantErr: "--default-expiry"},
		{name: "negative max expiry", args: []string{"--max-expiry", "-1h"},
			wantErr: "--max-expiry"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseFlags(tt.args, io.Discard)

			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one mentioning %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseFlags: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("options = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// syncBuffer is a log destination safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestRunServesAndLogsWithoutSecrets(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var logs syncBuffer
	urls := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"--listen", "127.0.0.1:0", "--admin", "root:hunter2",
			"--user", "alice:alice-pw:readers"}, &logs, func(u string) { urls <- u })
	}()
	base := <-urls

	token := createToken(t, base, "root", "hunter2")
	pingReq, _ := http.NewRequest(http.MethodGet, base+"/artifactory/api/system/ping", nil)
	pingReq.Header.Set("Authorization", "Bearer "+token)
	ping := mustDo(t, pingReq)
	cancel()

	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
	if ping != http.StatusOK {
		t.Errorf("ping with the minted token: %d, want 200", ping)
	}
	out := logs.String()
	for _, line := range []string{
		"POST /artifactory/api/security/token 200",
		"GET /artifactory/api/system/ping 200",
	} {
		if !strings.Contains(out, line) {
			t.Errorf("log lacks %q:\n%s", line, out)
		}
	}
	for _, secret := range []string{"hunter2", "alice-pw", token} {
		if strings.Contains(out, secret) {
			t.Errorf("log shows a secret:\n%s", out)
		}
	}
}

func createToken(t *testing.T, base, user, password string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"/artifactory/api/security/token",
		strings.NewReader(url.Values{"username": {"alice"},
			"scope": {"member-of-groups:readers"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(user, password)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("create token: %v", err)
	}
	defer func() { _ = resp.Body.Close() }()
	var answer struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil || answer.AccessToken == "" {
		t.Fatalf("create token: status %d, decode err %v", resp.StatusCode, err)
	}
	return answer.AccessToken
}

func mustDo(t *testing.T, req *http.Request) int {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}

func TestRunReportsListenErrors(t *testing.T) {
	err := run(context.Background(), []string{"--listen", "256.0.0.1:0"}, io.Discard, nil)

	if err == nil || !strings.Contains(err.Error(), "listen") {
		t.Errorf("run on a bad address: %v, want a listen error", err)
	}
}

func TestRunServesTheAccessAPI(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantStatus int
	}{
		{"Basic refused by default", nil, http.StatusUnauthorized},
		{"Basic allowed by the flag", []string{"--access-basic-auth"}, http.StatusOK},
		{"API switched off", []string{"--access-basic-auth", "--disable-access-api"},
			http.StatusNotFound},
		{"old version", []string{"--access-basic-auth", "--version", "7.20.0"},
			http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			var logs syncBuffer
			urls := make(chan string, 1)
			done := make(chan error, 1)
			args := append([]string{"--listen", "127.0.0.1:0", "--admin", "root:hunter2"},
				tt.args...)
			go func() { done <- run(ctx, args, &logs, func(u string) { urls <- u }) }()
			base := <-urls

			req, _ := http.NewRequest(http.MethodPost, base+"/access/api/v1/tokens",
				strings.NewReader(`{"expires_in":600,"include_reference_token":true}`))
			req.Header.Set("Content-Type", "application/json")
			req.SetBasicAuth("root", "hunter2")
			status, body := doRead(t, req)
			cancel()

			if err := <-done; err != nil {
				t.Fatalf("run: %v", err)
			}
			if status != tt.wantStatus {
				t.Fatalf("create on the Access API: %d %s, want %d", status, body, tt.wantStatus)
			}
			want := fmt.Sprintf("POST /access/api/v1/tokens %d", tt.wantStatus)
			if out := logs.String(); !strings.Contains(out, want) {
				t.Errorf("log lacks %q:\n%s", want, out)
			}
			var answer map[string]string
			_ = json.Unmarshal([]byte(body), &answer)
			for _, secret := range []string{"hunter2", answer["access_token"],
				answer["reference_token"]} {
				if secret != "" && strings.Contains(logs.String(), secret) {
					t.Errorf("log shows a secret:\n%s", logs.String())
				}
			}
		})
	}
}

func doRead(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s: %v", req.URL.Path, err)
	}
	return resp.StatusCode, string(b)
}
