package beckn

import (
	"strings"
	"testing"
)

func TestTagGroupLeniency(t *testing.T) {
	tests := []struct {
		name, in, want string
		check          func(t *testing.T, gs TagGroups)
	}{
		{
			name: "core shape unchanged",
			in:   `[{"display":true,"descriptor":{"code":"content-metadata","name":"Content metadata"},"list":[{"descriptor":{"code":"learner-level"},"value":"Beginner"}]}]`,
			want: `[{"display":true,"descriptor":{"name":"Content metadata","code":"content-metadata"},"list":[{"descriptor":{"code":"learner-level"},"value":"Beginner"}]}]`,
			check: func(t *testing.T, gs TagGroups) {
				if v, ok := gs.Value("content-metadata", "learner-level"); !ok || v != "Beginner" {
					t.Errorf("Value = %q, %v", v, ok)
				}
				if gs[0].Bare() {
					t.Error("a TagGroup is not bare")
				}
			},
		},
		{
			name: "bare tag wrapped into a group",
			in:   `[{"descriptor":{"code":"lang-code","name":"Language"},"value":"hi","x":1}]`,
			want: `[{"list":[{"descriptor":{"name":"Language","code":"lang-code"},"value":"hi","x":1}]}]`,
			check: func(t *testing.T, gs TagGroups) {
				if !gs[0].Bare() || gs[0].Descriptor != nil {
					t.Errorf("group %+v, want bare without descriptor", gs[0])
				}
				if v, ok := gs.Value("", "lang-code"); !ok || v != "hi" {
					t.Errorf("Value(\"\", lang-code) = %q, %v", v, ok)
				}
			},
		},
		{
			name: "legacy top-level code and name, display none",
			in:   `[{"code":"distributor-details","name":"Distributor","display":"none","list":[{"code":"distributor-name","value":"Agent A","display":"block"}]}]`,
			want: `[{"display":false,"list":[{"value":"Agent A","display":true,"code":"distributor-name"}],"code":"distributor-details","name":"Distributor"}]`,
			check: func(t *testing.T, gs TagGroups) {
				g := gs.Group("distributor-details")
				if g == nil || g.Name() != "Distributor" || g.Display.Or(true) {
					t.Fatalf("group %+v", g)
				}
				if !g.List[0].Shown(g) {
					t.Error("the tag's display overrides its group's")
				}
				if v, _ := gs.Value("distributor-details", "distributor-name"); v != "Agent A" {
					t.Errorf("Value = %q", v)
				}
			},
		},
		{
			name: "group with only a name",
			in:   `[{"descriptor":{"name":"Work Experience"},"list":[{"descriptor":{"name":"Years"},"value":3}]}]`,
			want: `[{"descriptor":{"name":"Work Experience"},"list":[{"descriptor":{"name":"Years"},"value":"3"}]}]`,
			check: func(t *testing.T, gs TagGroups) {
				if v, ok := gs.Value("Work Experience", "Years"); !ok || v != "3" {
					t.Errorf("Value by name = %q, %v", v, ok)
				}
			},
		},
		{
			name: "code wins over name when both are present",
			in:   `[{"descriptor":{"code":"job-requirements","name":"Requirements"},"list":[{"descriptor":{"code":"req-experience","name":"Experience"},"value":"2"}]}]`,
			want: `[{"descriptor":{"name":"Requirements","code":"job-requirements"},"list":[{"descriptor":{"name":"Experience","code":"req-experience"},"value":"2"}]}]`,
			check: func(t *testing.T, gs TagGroups) {
				if _, ok := gs.Value("Requirements", "req-experience"); ok {
					t.Error("a group with a code must not match by name")
				}
			},
		},
		{
			name: "repeatable tags across repeated groups",
			in: `[{"descriptor":{"code":"content-metadata"},"list":[{"descriptor":{"code":"prerequisite"},"value":"a"},{"descriptor":{"code":"prerequisite"},"value":"b"}]},` +
				`{"descriptor":{"code":"content-metadata"},"list":[{"descriptor":{"code":"prerequisite"},"value":"c"}]}]`,
			want: `[{"descriptor":{"code":"content-metadata"},"list":[{"descriptor":{"code":"prerequisite"},"value":"a"},{"descriptor":{"code":"prerequisite"},"value":"b"}]},` +
				`{"descriptor":{"code":"content-metadata"},"list":[{"descriptor":{"code":"prerequisite"},"value":"c"}]}]`,
			check: func(t *testing.T, gs TagGroups) {
				if got := strings.Join(gs.Values("content-metadata", "prerequisite"), ","); got != "a,b,c" {
					t.Errorf("Values = %q", got)
				}
				if got := gs.Values("content-metadata", "missing"); got != nil {
					t.Errorf("Values(missing) = %q", got)
				}
			},
		},
		{
			name: "0.9 key/value object",
			in:   `{"gender":"female","min-age":18}`,
			want: `[{"list":[{"descriptor":{"code":"gender"},"value":"female"},{"descriptor":{"code":"min-age"},"value":"18"}]}]`,
			check: func(t *testing.T, gs TagGroups) {
				if v, _ := gs.Value("", "min-age"); v != "18" {
					t.Errorf("Value = %q", v)
				}
			},
		},
		{
			name: "keyword strings are bare tags",
			in:   `["python",3]`,
			want: `[{"list":[{"value":"python"}]},{"list":[{"value":"3"}]}]`,
			check: func(t *testing.T, gs TagGroups) {
				if !gs[0].Bare() || gs[1].List[0].Value != "3" {
					t.Errorf("groups %+v", gs)
				}
			},
		},
		{
			name: "group with list and value keeps the value",
			in:   `[{"descriptor":{"code":"g"},"value":"v","list":[]}]`,
			want: `[{"descriptor":{"code":"g"},"value":"v"}]`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gs, got := decodeEncode[TagGroups](t, tt.in)
			if got != tt.want {
				t.Errorf("encoded %s\nwant    %s", got, tt.want)
			}
			if tt.check != nil {
				tt.check(t, *gs)
			}
		})
	}
}

func TestTagValueMissing(t *testing.T) {
	var gs TagGroups
	if v, ok := gs.Value("a", "b"); ok || v != "" {
		t.Fatalf("empty TagGroups returned %q, %v", v, ok)
	}
	if gs.Group("a") != nil {
		t.Fatal("empty TagGroups returned a group")
	}
}
