# Nix >= 2.24 with the experimental `pipe-operators` feature only.
# Nix 2.8 (the local oracle) rejects this file.
{ uptix, ... }:
{
  virtualisation.oci-containers.containers.piped.image =
    "ghcr.io/acme/piped:1.0" |> uptix.dockerImage;  # want manual lint old-style
}
