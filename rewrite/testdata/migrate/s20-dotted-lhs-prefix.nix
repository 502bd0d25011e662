# Rewriting must keep the dotted prefix: `containers.web.image` becomes
# `containers.web.imageFile = ...; containers.web.image = "...";`
{ uptix, ... }:
{
  virtualisation.oci-containers.containers.web.image = uptix.dockerImage "nginx:1.25";  # want lint old-style
  virtualisation.oci-containers.containers.web.ports = [ "8080:80" ];
}
