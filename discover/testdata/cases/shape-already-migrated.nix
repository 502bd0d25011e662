# Target shape already: imageFile holds the call, image the same string.
{ uptix, ... }:
{
  virtualisation.oci-containers.containers.db = {
    imageFile = uptix.dockerImage "postgres:15"; # want dockerImage "postgres:15" role=imageFile
    image = "postgres:15";
  };
}
