package issuance

import (
	"testing"
	"time"
)

// BenchmarkDecide measures one decision, which every reconcile makes.
func BenchmarkDecide(b *testing.B) {
	in := live(10 * time.Minute)
	in.RenewBefore = dur(5 * time.Minute)
	b.ReportAllocs()
	for b.Loop() {
		if d := Decide(in); d.Action != Wait {
			b.Fatalf("Decide() = %s", d.Action)
		}
	}
}
