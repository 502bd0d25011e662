# uptix through an alias and through `args@` with an `or` default.
{ uptix, ... }@args:
let
  u = uptix;
  fallback = args.uptix or u;
in
{
  virtualisation.oci-containers.containers = {
    bus.image = u.dockerImage "nats:2.10"; # want dockerImage "nats:2.10"
    secrets.image = fallback.dockerImage "vault:1.15"; # want dockerImage "vault:1.15"
  };
}
