# The team's own app, from the internal registry (which listens on a port).
{ uptix, ... }:
{
  virtualisation.oci-containers.containers.internal-app = {
    image = uptix.dockerImage "registry.example.com:5000/team/app:1.0";
    environment.APP_ENV = "production";
  };
}
