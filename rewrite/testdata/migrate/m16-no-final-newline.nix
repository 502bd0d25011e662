# No newline at the end of the file.
{ uptix, ... }:
{ virtualisation.oci-containers.containers.z.image = uptix.dockerImage "nginx:1.25"; }  # want lint old-style