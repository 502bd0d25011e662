{ uptix, ... }:
{
  virtualisation.oci-containers.containers.db = {
    image = uptix.dockerImage "postgres:15";  # want lint old-style
    ports = [ "127.0.0.1:5432:5432" ];
  };
}
