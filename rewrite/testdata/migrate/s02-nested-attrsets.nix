{ uptix, ... }:
{
  virtualisation = {
    oci-containers = {
      backend = "podman";
      containers = {
        web = {
          image = uptix.dockerImage "nginx:1.25-alpine";  # want lint old-style
          autoStart = true;
        };
        cache = { image = uptix.dockerImage "redis:7.2"; };  # want lint old-style
      };
    };
  };
}
