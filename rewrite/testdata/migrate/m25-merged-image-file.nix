# Nested and dotted bindings of one path merge in Nix: a container that
# has imageFile in any of them is left alone and reported, and the other
# containers are still rewritten.
{ uptix, ... }: {
  containers.x = { image = uptix.dockerImage "x:1"; };  # want lint old-style manual
  containers.x.imageFile = null;
  containers.w.image = uptix.dockerImage "w:1";  # want lint old-style
  containers = {
    y.imageFile = null;
  };
  containers.y.image = uptix.dockerImage "y:1";  # want lint old-style manual
  services.z = { config = { image = uptix.dockerImage "z:1"; }; };  # want lint old-style manual
  services.z.config.imageFile = null;
}
