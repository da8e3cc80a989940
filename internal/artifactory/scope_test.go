package artifactory

import "testing"

func TestAccessScope(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"one group", "member-of-groups:readers", "applied-permissions/groups:readers"},
		{"groups stay in one token", "member-of-groups:a,b", "applied-permissions/groups:a,b"},
		{"wildcard translated the same way", "member-of-groups:*",
			"applied-permissions/groups:*"},
		{"api:* dropped", "member-of-groups:readers api:*",
			"applied-permissions/groups:readers"},
		{"api:* alone gives no scope", "api:*", ""},
		{"api:* first", "api:* member-of-groups:*", "applied-permissions/groups:*"},
		{"Access scope passes", "applied-permissions/user", "applied-permissions/user"},
		{"Access groups pass", "applied-permissions/groups:a,b",
			"applied-permissions/groups:a,b"},
		{"others pass in order", "applied-permissions/admin jfrt@01abc:admin",
			"applied-permissions/admin jfrt@01abc:admin"},
		{"several group tokens merged", "member-of-groups:a member-of-groups:b,c",
			"applied-permissions/groups:a,b,c"},
		{"legacy and Access groups merged at the first",
			"applied-permissions/roles:proj:dev member-of-groups:a x applied-permissions/groups:b",
			"applied-permissions/roles:proj:dev applied-permissions/groups:a,b x"},
		{"quoted group name kept whole", `member-of-groups:"release managers",ci api:*`,
			`applied-permissions/groups:"release managers",ci`},
		{"white space normalised", "  member-of-groups:a \t api:*\n x ",
			"applied-permissions/groups:a x"},
		{"case matters", "API:* Member-Of-Groups:a", "API:* Member-Of-Groups:a"},
		{"near misses pass", "api:*x api: member-of-groups",
			"api:*x api: member-of-groups"},
		{"empty group list left to the server", "member-of-groups:",
			"applied-permissions/groups:"},
		{"unclosed quote runs to the end", `member-of-groups:"a b`,
			`applied-permissions/groups:"a b`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := AccessScope(tt.in)
			if got != tt.want {
				t.Errorf("AccessScope(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := AccessScope(got); again != got {
				t.Errorf("AccessScope(%q) = %q, not stable", got, again)
			}
		})
	}
}
