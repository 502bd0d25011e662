# NEGATIVE: pinned the nixpkgs way, no uptix anywhere.
{ pkgs, ... }:
{
  virtualisation.oci-containers.containers.mqtt = rec {
    imageFile = pkgs.dockerTools.pullImage {
      imageName = "eclipse-mosquitto";
      imageDigest = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
      hash = "sha256-BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB=";
      finalImageName = "eclipse-mosquitto";
      finalImageTag = "2.0";
    };
    image = imageFile.destNameTag;
    other = "plain/string:1.0";
  };
}
