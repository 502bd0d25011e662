# Every call here is reachable from the result, so evaluating the file
# with a stand-in uptix lists exactly what discovery must find.
{ uptix, lib, ... }@args:
let
  inherit (uptix) dockerImage;
  u = uptix;
  fake = { dockerImage = x: "fake:${x}"; githubRelease = x: "fake"; };
  tag = "3.19";
  nested = let tag = "3.18"; in dockerImage "alpine:${tag}";
  rs = rec {
    base = "quay.io/${org}";
    org = "acme";
    img = u.dockerImage "${base}/rs:${tag}";
  };
in
with fake;
{
  a = dockerImage "lexical-wins:1";
  b = githubRelease { owner = "o"; repo = "r"; };
  c = with uptix; dockerImage "inner-with:1";
  d = nested;
  e = rs.img;
  f = args.uptix.pullDockerImage ("con" + "cat:" + tag);
  g = (x: x.dockerImage "param:1") uptix;
  h = ({ uptix ? fake, ... }: uptix.dockerImage "shadow:1") { };
  i = let uptix = fake; in uptix.dockerImage "let-shadow:1";
  k = u.dockerImage ''
    indented:1'';
  l = u.dockerImage "esc\${aped}:1";
}
