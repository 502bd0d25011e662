# A helper's defaulted formal is constant; its plain formal is not.
{ uptix, ... }:
let
  mk = { name, tag ? "2.4" }: {
    a = uptix.dockerImage "httpd:${tag}"; # want dockerImage "httpd:2.4"
    b = uptix.dockerImage "httpd-${name}:${tag}"; # want dockerImage unresolved "`name`" candidates "httpd-web:2.4"
  };
  # A default may refer to another formal.
  mk2 = { base ? "memcached", tag ? "1.6", ref ? "${base}:${tag}" }: uptix.dockerImage ref; # want dockerImage "memcached:1.6"
in
{
  web = mk { name = "web"; };
}
