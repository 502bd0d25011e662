# Constant data imported by other files.
{
  postgres = "16.2";
  registry = "registry.example.com";
  images = [ "alpine:3.19" "busybox:1.36" ];
}
