package secret

import (
	"testing"
	"time"
)

// BenchmarkReadRecord measures reading a Secret's token record, which every
// reconcile of a token with a Secret does.
func BenchmarkReadRecord(b *testing.B) {
	hour := int64(3600)
	exp := time.Date(2026, 12, 3, 11, 0, 0, 0, time.UTC)
	tok := issued(&hour, &exp, "refresh")
	data := Data(tok, "ci", "https://acme.jfrog.io")
	ann := Annotations(tok, data, "spec", "")
	b.ReportAllocs()
	for b.Loop() {
		if !ReadRecord(ann, data).DataMatches {
			b.Fatal("record does not match")
		}
	}
}
