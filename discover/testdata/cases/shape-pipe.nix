# Pipe operator (Nix >= 2.24, experimental).
{ uptix, ... }:
{
  virtualisation.oci-containers.containers.piped.image =
    "ghcr.io/acme/piped:1.0" |> uptix.dockerImage; # want dockerImage "ghcr.io/acme/piped:1.0" role=image
}
