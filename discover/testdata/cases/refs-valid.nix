# Every valid form of image-references.md; the lock key is the string as
# written.
{ uptix, ... }:
with uptix;
{
  a = dockerImage "postgres"; # want dockerImage "postgres"
  b = dockerImage "postgres:15"; # want dockerImage "postgres:15"
  c = dockerImage "docker.io/postgres:15"; # want dockerImage "docker.io/postgres:15"
  d = dockerImage "docker.io/library/postgres:15"; # want dockerImage "docker.io/library/postgres:15"
  e = dockerImage "index.docker.io/library/nginx"; # want dockerImage "index.docker.io/library/nginx"
  f = dockerImage "koenkk/zigbee2mqtt"; # want dockerImage "koenkk/zigbee2mqtt"
  g = dockerImage "myhost/app"; # want dockerImage "myhost/app"
  h = dockerImage "localhost/app"; # want dockerImage "localhost/app"
  i = dockerImage "localhost:5000/app:dev"; # want dockerImage "localhost:5000/app:dev"
  j = dockerImage "registry.example.com:5000/team/app:1.0"; # want dockerImage "registry.example.com:5000/team/app:1.0"
  k = dockerImage "[::1]:5000/app"; # want dockerImage "[::1]:5000/app"
  l = dockerImage "ghcr.io/owner/group/sub/image:v1"; # want dockerImage "ghcr.io/owner/group/sub/image:v1"
  m = dockerImage "minio/minio:RELEASE.2024-05-10T01-41-38Z"; # want dockerImage "minio/minio:RELEASE.2024-05-10T01-41-38Z"
  n = dockerImage "redis:7-Alpine"; # want dockerImage "redis:7-Alpine"
  o = dockerImage "gitea/act_runner:latest"; # want dockerImage "gitea/act_runner:latest"
  p = dockerImage "some/img:v1_beta"; # want dockerImage "some/img:v1_beta"
  q = dockerImage "alpine@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"; # want dockerImage "alpine@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
  r = dockerImage "alpine:3.19@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"; # want dockerImage "alpine:3.19@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
  s = dockerImage "a-b--c/d__e.f:x"; # want dockerImage "a-b--c/d__e.f:x"
}
