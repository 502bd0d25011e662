# Invalid references are still found (the call is real) but carry an error
# naming the rule they break.
{ uptix, ... }:
with uptix;
{
  a = dockerImage "ghcr.io/Owner/image"; # want dockerImage "ghcr.io/Owner/image" invalid "lowercase" invalid "ghcr.io/owner/image"
  b = dockerImage "Koenkk/zigbee2mqtt"; # want dockerImage "Koenkk/zigbee2mqtt" invalid "lowercase" invalid "koenkk/zigbee2mqtt"
  c = dockerImage "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"; # want dockerImage "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" invalid "64"
  d = dockerImage "some/img:"; # want dockerImage "some/img:" invalid "tag"
  e = dockerImage ":tag"; # want dockerImage ":tag" invalid "name"
  f = dockerImage "a:b:c"; # want dockerImage "a:b:c" invalid "tag"
  g = dockerImage "a___b/c"; # want dockerImage "a___b/c" invalid "separator"
  h = dockerImage "docker://x"; # want dockerImage "docker://x" invalid "scheme"
  i = dockerImage ""; # want dockerImage "" invalid "empty"
  j = dockerImage "alpine@sha256:abc"; # want dockerImage "alpine@sha256:abc" invalid "digest"
  k = dockerImage "x/-y:1"; # want dockerImage "x/-y:1" invalid "separator"
  l = dockerImage "nginx:.bad"; # want dockerImage "nginx:.bad" invalid "tag"
  m = dockerImage "https://ghcr.io/a/b"; # want dockerImage "https://ghcr.io/a/b" invalid "scheme"
}
