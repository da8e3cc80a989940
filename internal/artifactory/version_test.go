package artifactory

import (
	"strings"
	"testing"
)

func TestParseVersion(t *testing.T) {
	tests := []struct {
		in      string
		want    Version
		wantErr bool
	}{
		{in: "7.90.0", want: Version{7, 90, 0}},
		{in: "7.21.1-rc1", want: Version{7, 21, 1}},
		{in: "6.23.42", want: Version{6, 23, 42}},
		{in: " 7.104.3 ", want: Version{7, 104, 3}},
		{in: "\t7.104.3\n", want: Version{7, 104, 3}},
		{in: "7.90.0+build.5", want: Version{7, 90, 0}},
		{in: "07.090.00", want: Version{7, 90, 0}},
		{in: "garbage", wantErr: true},
		{in: "", wantErr: true},
		{in: "   ", wantErr: true},
		{in: "7.90", wantErr: true},
		{in: "7", wantErr: true},
		{in: "7.90.0.1", wantErr: true},
		{in: "v7.90.0", wantErr: true},
		{in: "7..0", wantErr: true},
		{in: "7.x.0", wantErr: true},
		{in: "+7.1.0", wantErr: true},
		{in: "7.+1.0", wantErr: true},
		{in: "-7.1.0", wantErr: true},
		{in: "7.90.0 rc", wantErr: true},
		{in: "7.9999999999.0", wantErr: true},
		{in: "٧.٩٠.٠", wantErr: true},
		{in: "7.90.0-", want: Version{7, 90, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseVersion(tt.in)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Fatalf("ParseVersion(%q) = %v, %v; want %v, error %v",
					tt.in, got, err, tt.want, tt.wantErr)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "artifactory: version ") {
				t.Errorf("error %q does not say what it is about", err)
			}
		})
	}
}

func TestParseVersionErrorIsShortAndRedacted(t *testing.T) {
	jwt := "eyJ2ZXIiOiIyIn0.eyJzdWIiOiJ4In0.c2ln"
	_, err := ParseVersion(jwt + strings.Repeat("x", 500))
	if err == nil {
		t.Fatal("ParseVersion succeeded")
	}
	if strings.Contains(err.Error(), jwt) || len(err.Error()) > 200 {
		t.Errorf("error repeats too much of its input: %q", err)
	}
}

func TestVersionAtLeast(t *testing.T) {
	tests := []struct {
		v, o Version
		want bool
	}{
		{Version{7, 21, 1}, Version{7, 21, 1}, true},
		{Version{7, 21, 2}, Version{7, 21, 1}, true},
		{Version{7, 22, 0}, Version{7, 21, 1}, true},
		{Version{8, 0, 0}, Version{7, 21, 1}, true},
		{Version{7, 104, 3}, Version{7, 21, 1}, true},
		{Version{7, 21, 0}, Version{7, 21, 1}, false},
		{Version{7, 3, 9}, Version{7, 21, 1}, false},
		{Version{6, 99, 99}, Version{7, 21, 1}, false},
		{Version{}, Version{}, true},
	}
	for _, tt := range tests {
		if got := tt.v.AtLeast(tt.o); got != tt.want {
			t.Errorf("%v.AtLeast(%v) = %v, want %v", tt.v, tt.o, got, tt.want)
		}
	}
}

func TestVersionString(t *testing.T) {
	if got := AccessTokensSince.String(); got != "7.21.1" {
		t.Errorf("AccessTokensSince = %q, want 7.21.1", got)
	}
}

func TestPickAPI(t *testing.T) {
	tests := []struct {
		version string
		want    string
		wantErr bool
	}{
		{version: "7.21.1", want: "AccessTokens"},
		{version: "7.21.1-rc1", want: "AccessTokens"},
		{version: "7.90.0", want: "AccessTokens"},
		{version: " 7.104.3 ", want: "AccessTokens"},
		{version: "8.0.0", want: "AccessTokens"},
		{version: "7.21.0", want: "Legacy"},
		{version: "7.3.2", want: "Legacy"},
		{version: "6.23.42", want: "Legacy"},
		{version: "5.0.0", want: "Legacy"},
		{version: "garbage", wantErr: true},
		{version: "", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.version, func(t *testing.T) {
			got, err := PickAPI(tt.version)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("PickAPI(%q) = %q, %v; want %q, error %v",
					tt.version, got, err, tt.want, tt.wantErr)
			}
		})
	}
}
