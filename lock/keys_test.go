package lock

import "testing"

func TestParseSourceKey(t *testing.T) {
	tests := []struct {
		key  string
		want SourceKey
		norm string
	}{
		{"$GITHUB_BRANCH$:NixOS/nixpkgs:nixos-24.05$", SourceKey{Type: TypeGitHubBranch, Owner: "NixOS", Repo: "nixpkgs", Branch: "nixos-24.05"}, ""},
		{"$GITHUB_BRANCH$:a/b:feature/x$fdl", SourceKey{Type: TypeGitHubBranch, Owner: "a", Repo: "b", Branch: "feature/x", FetchSubmodules: true, DeepClone: true, LeaveDotGit: true}, ""},
		{"$GITHUB_RELEASE$:dokku/dokku$d", SourceKey{Type: TypeGitHubRelease, Owner: "dokku", Repo: "dokku", DeepClone: true}, ""},
		{"$GITHUB_RELEASE$:dokku/dokku", SourceKey{Type: TypeGitHubRelease, Owner: "dokku", Repo: "dokku"}, "$GITHUB_RELEASE$:dokku/dokku$"},
	}
	for _, tt := range tests {
		got, err := ParseSourceKey(tt.key)
		if err != nil || got != tt.want {
			t.Errorf("ParseSourceKey(%q) = %+v, %v; want %+v", tt.key, got, err, tt.want)
			continue
		}
		norm := tt.norm
		if norm == "" {
			norm = tt.key
		}
		if s := got.String(); s != norm {
			t.Errorf("String() = %q, want %q", s, norm)
		}
	}
	for _, bad := range []string{"postgres:15", "$GITHUB_BRANCH$:a/b$", "$GITHUB_RELEASE$:ab$", "$GITHUB_RELEASE$:a/b$x"} {
		if _, err := ParseSourceKey(bad); err == nil {
			t.Errorf("ParseSourceKey(%q) succeeded", bad)
		}
	}
	if got := LegacyKey("$GITHUB_RELEASE$:dokku/dokku$"); got != "$GITHUB_RELEASE$:dokku/dokku" {
		t.Errorf("LegacyKey = %q", got)
	}
	if got := LegacyKey("$GITHUB_RELEASE$:dokku/dokku$f"); got != "" {
		t.Errorf("LegacyKey with flags = %q", got)
	}
}
