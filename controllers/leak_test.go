package controllers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	eventsv1 "k8s.io/api/events/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/artifactory-token-operator/artifactory-token-operator/api/v1alpha1"
)

func listEvents(t *testing.T, ns string) []eventsv1.Event {
	t.Helper()
	events, err := events(ns)
	if err != nil {
		t.Fatal(err)
	}
	return events
}

func events(ns string) ([]eventsv1.Event, error) {
	var list eventsv1.EventList
	if err := k8s.List(context.Background(), &list, client.InNamespace(ns)); err != nil {
		return nil, fmt.Errorf("listing events: %w", err)
	}
	return list.Items, nil
}

// secretsShown searches the manager's log, every event and every
// ArtifactoryToken status of the whole run for every access token and
// refresh token the emulator issued, and for the passwords it was given.
// It runs once after all tests, so it covers every path they took.
func secretsShown() ([]string, error) {
	var toks v1alpha1.ArtifactoryTokenList
	if err := k8s.List(context.Background(), &toks); err != nil {
		return nil, fmt.Errorf("listing tokens: %w", err)
	}
	statuses, err := json.Marshal(struct {
		Live    v1alpha1.ArtifactoryTokenList
		Deleted []v1alpha1.ArtifactoryTokenStatus
	}{toks, finalStatuses})
	if err != nil {
		return nil, err
	}
	evs, err := events("")
	if err != nil {
		return nil, err
	}
	eventsJSON, err := json.Marshal(evs)
	if err != nil {
		return nil, err
	}
	log := mgrLogs.String()

	issued := emu.IssuedSecrets()
	if len(issued) == 0 {
		return nil, nil
	}
	// The search must read real records: the log names the ids it issued.
	if !mentionsAny(log, tokenIDs()) {
		return []string{"the manager's log names no issued token id; was it captured?"}, nil
	}

	places := map[string]string{"manager log": log, "events": string(eventsJSON), "statuses": string(statuses)}
	var problems []string
	for where, text := range places {
		for _, value := range append(issued, adminPassword, ciPassword) {
			if strings.Contains(text, value) {
				problems = append(problems, fmt.Sprintf("the %s holds a secret value (%d characters)",
					where, len(value)))
			}
		}
	}
	return problems, nil
}

// finalStatuses are the statuses of the tokens the tests deleted.
var finalStatuses []v1alpha1.ArtifactoryTokenStatus

func tokenIDs() []string {
	var ids []string
	for _, rec := range emu.Tokens() {
		ids = append(ids, rec.ID)
	}
	return ids
}

func mentionsAny(text string, words []string) bool {
	for _, w := range words {
		if strings.Contains(text, w) {
			return true
		}
	}
	return false
}
