{ uptix, ... }:
{
  a = uptix.dockerImage "ghcr.io/acme/escaped\:1.0"; # want dockerImage "ghcr.io/acme/escaped:1.0"
  b = uptix.dockerImage "literal-\${not}:x"; # want dockerImage "literal-${not}:x" invalid "repository"
  c = uptix.dockerImage "dollar-$${not}:x"; # want dockerImage "dollar-$${not}:x" invalid "repository"
  d = uptix.dockerImage ''
    quay.io/prometheus/prometheus:v2.50.0
  ''; # want dockerImage "quay.io/prometheus/prometheus:v2.50.0\n" invalid "white space"
  e = uptix.dockerImage ''nats:'''2.10''; # want dockerImage "nats:''2.10" invalid "tag"
  f = uptix.dockerImage "tab\there"; # want dockerImage "tab\there" invalid "repository"
}
