# Fully nested sets; the second container fits on one line.
{ uptix, ... }:
{
  virtualisation = {
    oci-containers = {
      backend = "docker";
      containers = {
        proxy = {
          image = uptix.dockerImage "nginx:1.25-alpine"; # want dockerImage "nginx:1.25-alpine" role=image
          autoStart = true;
        };
        kv = { image = uptix.dockerImage "redis:7.2"; }; # want dockerImage "redis:7.2" role=image
      };
    };
  };
}
