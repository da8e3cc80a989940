package controllers

import (
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/types"
)

// failure is a token's latest failure.
type failure struct {
	attempts   int32
	at         time.Time
	retryAfter time.Duration

	// server names the server's generation and credentials at the time.
	server string

	// generation is the token's generation that failed.
	generation int64

	// local is true when the failure was found before any call to Artifactory.
	local bool

	// reason and message are what Ready said of the failure.
	reason, message string
}

// failureMemory keeps each token's latest failure in memory as well as on
// status. The cache a reconcile reads can lag behind the status just
// written; a reconcile that read the older status would call Artifactory
// again at once instead of backing off. It also keeps a server's
// Retry-After, which status does not hold.
type failureMemory struct {
	mu sync.Mutex
	m  map[types.UID]failure
}

func (f *failureMemory) get(uid types.UID) (failure, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	got, ok := f.m[uid]
	return got, ok
}

func (f *failureMemory) set(uid types.UID, v failure) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.m == nil {
		f.m = map[types.UID]failure{}
	}
	f.m[uid] = v
}

func (f *failureMemory) forget(uid types.UID) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.m, uid)
}

// latest is the newer of the failure on status and the one remembered.
func (f *failureMemory) latest(uid types.UID, onStatus *failure) (failure, bool) {
	remembered, ok := f.get(uid)
	switch {
	case ok && (onStatus == nil || remembered.at.After(onStatus.at)):
		return remembered, true
	case onStatus != nil:
		return *onStatus, true
	default:
		return failure{}, false
	}
}
