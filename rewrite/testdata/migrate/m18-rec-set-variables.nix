# In a rec set a new `image` or `imageFile` binding would capture a
# variable of that name: reported, not rewritten.
{ uptix, ... }:
let
  imageFile = "acme/base:1.0";
in
{
  virtualisation.oci-containers.containers = {
    a = rec {
      image = uptix.dockerImage imageFile;  # want lint old-style manual
    };
    b = rec {
      image = uptix.dockerImage "acme/b:2.0";  # want lint old-style manual
      environment.IMAGE = image.imageName;
    };
    c = {
      image = uptix.dockerImage imageFile;  # want lint old-style
    };
  };
}
