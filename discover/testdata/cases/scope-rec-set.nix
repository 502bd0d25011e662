{ uptix, ... }:
rec {
  registry = "ghcr.io";
  org = "acme";
  repo = "${registry}/${org}";
  api = uptix.dockerImage "${repo}/api:${versions.api}"; # want dockerImage "ghcr.io/acme/api:1.4.2"
  versions = { api = "1.4.2"; };
}
