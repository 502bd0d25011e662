# A dotted attribute path down to the container; the call is the value of
# `image =` directly.
{ uptix, ... }:
{
  virtualisation.oci-containers.containers.postgres = {
    image = uptix.dockerImage "postgres:15"; # want dockerImage "postgres:15" role=image binding=image
    ports = [ "127.0.0.1:5432:5432" ];
  };
}
