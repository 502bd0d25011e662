# Sources pinned from GitHub: a config repository that follows a branch,
# and a tool built from its latest release.
{ pkgs, uptix, ... }:
let
  dashboards = pkgs.fetchFromGitHub (uptix.githubBranch {
    owner = "example-org";
    repo = "grafana-dashboards";
    branch = "main";
  });
  exporterSrc = uptix.githubRelease {
    owner = "example-org";
    repo = "mqtt-exporter";
  };
in
{
  environment.etc."grafana/dashboards".source = dashboards;
  environment.etc."mqtt-exporter/VERSION".text = uptix.version exporterSrc;
}
