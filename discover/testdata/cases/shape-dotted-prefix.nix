# The whole dotted path is the binding's path.
{ uptix, ... }:
{
  virtualisation.oci-containers.containers.site.image = uptix.dockerImage "nginx:1.25"; # want dockerImage "nginx:1.25" role=image binding=virtualisation.oci-containers.containers.site.image
  virtualisation.oci-containers.containers.site.ports = [ "8080:80" ];
}
