# Formal defaults count as constants: a parameter with a default gets its
# default (the issue asks for this; the caller could pass another value,
# which discovery cannot see).
{ uptix, tag ? "1.27", registry ? "quay.io", ... }:
{
  image = uptix.dockerImage "${registry}/nginx/nginx:${tag}"; # want dockerImage "quay.io/nginx/nginx:1.27"
}
