{ uptix, ... }:
{
  virtualisation.oci-containers.containers.c = {
    image /* c1 */ = /* c2 */ uptix.dockerImage /* c3 */ "caddy:2.8" /* c4 */ ;  # want lint old-style
    # a comment between bindings stays put
    ports = [ "443:443" ];
  };
}
