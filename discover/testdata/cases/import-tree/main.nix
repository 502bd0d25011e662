{ uptix, ... }:
let
  versions = import ./versions.nix;
  lib' = import ./lib;
in
{
  a = uptix.dockerImage "postgres:${versions.postgres}"; # want dockerImage "postgres:16.2"
  b = uptix.dockerImage "redis:${import ./tag.nix}"; # want dockerImage "redis:7.2.4"
  c = uptix.dockerImage lib'.app; # want dockerImage "ghcr.io/acme/app:1.0"
  d = uptix.dockerImage (lib'.mk "worker"); # want dockerImage "ghcr.io/acme/worker:latest"
  e = map uptix.dockerImage versions.images; # want dockerImage "alpine:3.19" "busybox:1.36"
  f = import ./fn.nix { inherit uptix; tag = "2"; };
  g = uptix.dockerImage (import ./missing.nix).x; # want dockerImage unresolved "missing.nix"
  h = uptix.dockerImage "${versions.registry}/x:${(import ./versions.nix).postgres}"; # want dockerImage "registry.example.com/x:16.2"
}
