{ uptix, ... }:
{
  virtualisation.oci-containers.containers = {
    a.image = uptix.dockerImage ''redis:7.2''; # want dockerImage "redis:7.2"
    b.image = uptix.dockerImage "registry.local:5000/acme/app:2024.01"; # want dockerImage "registry.local:5000/acme/app:2024.01"
    c.cmd = [ "sh" "-c" ''echo "''${HOME}" $${PATH}'' ];
  };
}
