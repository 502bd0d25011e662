# dockerImage as a value: mapped over a constant list, and aliased.
{ lib, uptix, ... }:
let
  prefetched = map uptix.dockerImage [ "alpine:3.19" "busybox:1.36" ]; # want dockerImage "alpine:3.19" "busybox:1.36" role=other binding=prefetched
  fetchImage = uptix.dockerImage;
in
{
  virtualisation.oci-containers.containers.toolbox.image = fetchImage "curlimages/curl:8.5.0"; # want dockerImage "curlimages/curl:8.5.0" role=image
  environment.etc."prefetched".text = lib.concatStringsSep "\n" prefetched;
}
