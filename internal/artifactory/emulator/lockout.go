package emulator

import (
	"sync"
	"time"
)

// failureWindow is how far back failed logins count towards a block.
const failureWindow = time.Minute

// failureTracker blocks a login identity after recurrent failures, as
// Artifactory does: once threshold failures fall within the window, every
// request from that identity is refused for blockFor, whatever its
// credentials. The block lifts on its own; the failures are then forgotten.
// A negative threshold never blocks. Times come from the caller, so the
// emulator's clock drives it.
type failureTracker struct {
	threshold int
	window    time.Duration
	blockFor  time.Duration

	mu    sync.Mutex
	byKey map[string]*failureState
}

type failureState struct {
	recent       []time.Time
	blockedUntil time.Time
}

func newFailureTracker(threshold int, window, blockFor time.Duration) *failureTracker {
	return &failureTracker{
		threshold: threshold,
		window:    window,
		blockFor:  blockFor,
		byKey:     map[string]*failureState{},
	}
}

// isBlocked tells whether the identity is inside a block at now.
func (ft *failureTracker) isBlocked(key string, now time.Time) bool {
	ft.mu.Lock()
	defer ft.mu.Unlock()

	st, ok := ft.byKey[key]
	return ok && now.Before(st.blockedUntil)
}

// recordFailure counts one failed login and starts a block when the
// failures within the window reach the threshold.
func (ft *failureTracker) recordFailure(key string, now time.Time) {
	// A negative threshold disables blocking altogether.
	if ft.threshold < 0 {
		return
	}

	ft.mu.Lock()
	defer ft.mu.Unlock()

	st := ft.byKey[key]
	if st == nil {
		st = &failureState{}
		ft.byKey[key] = st
	}
	st.recent = append(withinWindow(st.recent, now.Add(-ft.window)), now)
	if len(st.recent) >= ft.threshold {
		st.blockedUntil = now.Add(ft.blockFor)
		st.recent = nil
	}
}

// recordSuccess forgets the identity's earlier failures.
func (ft *failureTracker) recordSuccess(key string) {
	ft.mu.Lock()
	defer ft.mu.Unlock()

	delete(ft.byKey, key)
}

// withinWindow keeps the times after since.
func withinWindow(times []time.Time, since time.Time) []time.Time {
	kept := times[:0]
	for _, t := range times {
		if t.After(since) {
			kept = append(kept, t)
		}
	}
	return kept
}
