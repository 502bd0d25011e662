# Layouts around the binding: a comment after `=`, code after the `;`, a
# block comment after the `;`, and a compact `image=…;` spelling.
{ uptix, ... }:
{
  virtualisation.oci-containers.containers = {
    a.image = # the front end
      uptix.dockerImage "nginx:1.27";  # want lint old-style
    b.autoStart = true; b.image = uptix.dockerImage "redis:7.4"; b.ports = [ ];  # want lint old-style
    c.image = uptix.dockerImage "alpine:3.20"; /* a block  # want lint old-style
      comment that runs on */
    d.image=uptix.dockerImage "busybox:1.37";  # want lint old-style
  };
}
