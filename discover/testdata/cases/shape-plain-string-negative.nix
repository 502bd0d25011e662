# NEGATIVE: plain strings only; the call text appears in a comment and in
# a string, neither of which is code.
{ ... }:
{
  virtualisation.oci-containers.containers.web = {
    image = "docker.io/library/nginx:latest";
    imageFile = null;
  };
  # uptix.dockerImage "commented:1.0";
  /* uptix.dockerImage "block-commented:1.0" */
  environment.etc.readme.text = "uptix.dockerImage \"in-a-string:1.0\"";
  environment.etc.readme2.text = ''
    uptix.dockerImage "in-an-indented-string:1.0"
  '';
}
