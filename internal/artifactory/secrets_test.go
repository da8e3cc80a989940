package artifactory

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestErrorsNeverContainSecrets makes servers echo everything they were sent
// in every error shape, and checks no error string carries a secret.
func TestErrorsNeverContainSecrets(t *testing.T) {
	password := "Tr0ub4dor&3 horse"
	adminToken := "opaque-admin-token-0123456789abcdef"
	refresh := RefreshRequest{
		AccessToken:  makeJWT(t, map[string]any{"jti": "old", "sub": "u"}),
		RefreshToken: "rT0k+en/with=Special&chars",
	}
	secrets := []string{password, adminToken, refresh.AccessToken, refresh.RefreshToken}

	echoes := map[string]func(w http.ResponseWriter, echo string){
		"oauth JSON": func(w http.ResponseWriter, echo string) {
			writeJSON(w, 400, map[string]string{"error": echo, "error_description": echo})
		},
		"errors array": func(w http.ResponseWriter, echo string) {
			writeJSON(w, 401, map[string]any{"errors": []map[string]any{
				{"status": 401, "message": echo}, {"code": echo, "message": echo}}})
		},
		"flat JSON": func(w http.ResponseWriter, echo string) {
			writeJSON(w, 400, map[string]string{"code": "BAD", "message": echo, "detail": echo})
		},
		"plain text": func(w http.ResponseWriter, echo string) {
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(500)
			_, _ = io.WriteString(w, echo)
		},
		"HTML": func(w http.ResponseWriter, echo string) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(502)
			page := "<html><body><pre>" + html.EscapeString(echo) + "</pre></body></html>"
			_, _ = io.WriteString(w, page)
		},
		"redirect": func(w http.ResponseWriter, echo string) {
			w.Header().Set("Location", "https://elsewhere.example/?"+url.QueryEscape(echo))
			w.WriteHeader(http.StatusFound)
		},
	}

	for shape, write := range echoes {
		for _, op := range allOperations(refresh) {
			t.Run(shape+"/"+op.name, func(t *testing.T) {
				srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
					write(w, echoRequest(r, password))
				})
				for _, creds := range []Credentials{
					{Username: "admin", Password: password},
					{Token: adminToken},
				} {
					c := newTestClient(t, Options{BaseURL: srv.URL, Credentials: creds})
					err := op.run(context.Background(), c)
					if err == nil {
						t.Fatal("call succeeded, want an error")
					}
					assertNoSecret(t, err.Error(), append(secrets, creds.basicValue())...)
				}
			})
		}
	}
}

// TestTransportErrorsNeverContainSecrets covers errors that never reached a
// server answer: timeouts and refused connections.
func TestTransportErrorsNeverContainSecrets(t *testing.T) {
	password := "Tr0ub4dor&3 horse"
	refresh := RefreshRequest{
		AccessToken:  "access-token-value-123",
		RefreshToken: "refresh-token-value-456",
	}
	srv, _ := serve(t, func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	closed, _ := serve(t, answerText(200, "", ""))
	closed.Close()

	for _, base := range []string{srv.URL, closed.URL} {
		for _, op := range allOperations(refresh) {
			c := newTestClient(t, Options{
				BaseURL:     base,
				Credentials: Credentials{Username: "admin", Password: password},
				Timeout:     50 * time.Millisecond,
			})
			err := op.run(context.Background(), c)
			if err == nil {
				t.Fatalf("%s against %s succeeded", op.name, base)
			}
			assertNoSecret(t, err.Error(), password, refresh.AccessToken, refresh.RefreshToken)
		}
	}
}

// echoRequest is everything a careless server might repeat: the raw body,
// the decoded form, and the Authorization header, decoded too.
func echoRequest(r *http.Request, password string) string {
	body, _ := io.ReadAll(r.Body)
	form, _ := url.ParseQuery(string(body))
	auth := r.Header.Get("Authorization")
	user, pass, _ := r.BasicAuth()
	return fmt.Sprintf("body=%s form=%v auth=%q user=%s pass=%s", body, form, auth, user, pass)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func assertNoSecret(t *testing.T, msg string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		for _, form := range []string{s, url.QueryEscape(s)} {
			if strings.Contains(msg, form) {
				t.Errorf("error contains secret %q:\n%s", form, msg)
			}
		}
	}
}
