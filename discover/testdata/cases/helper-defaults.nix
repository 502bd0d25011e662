# A defaulted formal of a helper takes, at each call of the helper, the
# value given there or else its default: the call inside has one target
# per value, never only the default.
{ lib, config, uptix, ... }:
let
  # The issue's shape: default used by one container, overridden by the other.
  mkContainer = { image ? "127.0.0.1:5555/app/two:1" }: {
    imageFile = uptix.dockerImage image; # want dockerImage "127.0.0.1:5555/app/two:1" "127.0.0.1:5555/app/single:1" role=imageFile
    inherit image;
  };
  # Overridden at its only call: the default is never used.
  mkRedis = { tag ? "1" }: uptix.dockerImage "redis:${tag}"; # want dockerImage "redis:7"
  # An interpolated default, from a let constant and another formal.
  registry = "quay.io";
  mkApp = { name ? "app", ref ? "${registry}/acme/${name}:3" }: uptix.dockerImage ref; # want dockerImage "quay.io/acme/app:3" "quay.io/acme/api:3" "ghcr.io/acme/web:4"
  # A call that gives a value that is not constant: unresolved, naming
  # the parameter; the other calls' values are candidates.
  mkCache = { tag ? "7.2" }: uptix.dockerImage "valkey:${tag}"; # want dockerImage unresolved "`config.cache.tag` (given as `tag` by the call at line 62)" candidates "valkey:7.2" "valkey:8"
  # Mapped over sets: each element's value, else the default.
  mkWorker = { name, tag ? "1" }: uptix.dockerImage "acme/${name}:${tag}"; # want dockerImage "acme/a:1" "acme/b:2"
  # Mapped and called by name: both.
  mkProxy = { tag ? "3.0" }: uptix.dockerImage "traefik:v${tag}"; # want dockerImage "traefik:v3.0" "traefik:v2.11" "traefik:v3.1"
  # A helper inside a helper: the inner default comes from the outer call.
  mkOuter = { tag ? "1.0" }:
    let
      mkInner = { t ? tag }: uptix.dockerImage "nats:${t}"; # want dockerImage "nats:2.10" "nats:9" "nats:1.0"
    in
    { a = mkInner { }; b = mkInner { t = "9"; }; };
  # A helper defined before the one it calls, inside another helper.
  mkPair = { tag ? "1" }:
    let
      first = x: second { t = tag; };
      second = { t ? "0" }: uptix.dockerImage "etcd:${t}"; # want dockerImage "etcd:3.5"
    in
    first 0;
  # A helper called by another: the caller's own default is not a value
  # when every call of the caller overrides it.
  mkMinio = { tag ? "1" }: uptix.dockerImage "minio:${tag}"; # want dockerImage "minio:2"
  mkStore = { t ? "5" }: mkMinio { tag = t; };
  # Through a parameter without a default, the helper's input, the call
  # is unresolved (as in helper-candidates.nix).
  mkLoki = { tag ? "1" }: uptix.dockerImage "loki:${tag}"; # want dockerImage unresolved "`t`" candidates "loki:3"
  mkLogs = t: mkLoki { tag = t; };
  # Mapped, inside a helper, over a defaulted list.
  mkOne = name: uptix.dockerImage "acme/${name}:1"; # want dockerImage "acme/x:1" "acme/y:1" "acme/z:1"
  mkAll = { names ? [ "x" "y" ] }: map mkOne names;
  # Called through a pipe.
  mkPiped = { tag ? "1" }: uptix.dockerImage "piped:${tag}"; # want dockerImage "piped:1" "piped:2"
  # The module reached through another parameter name.
  mkVia = u: u.dockerImage "vault:1.15"; # want dockerImage "vault:1.15"
  mkViaTag = u: { tag ? "2" }: u.dockerImage "consul:${tag}"; # want dockerImage "consul:3"
in
{
  web = mkContainer { };
  db = mkContainer { image = "127.0.0.1:5555/app/single:1"; };
  cache = mkRedis { tag = "7"; };
  app = mkApp { };
  api = mkApp { name = "api"; };
  web2 = mkApp { ref = "ghcr.io/acme/web:4"; };
  c1 = mkCache { };
  c2 = mkCache { tag = "8"; };
  c3 = mkCache { tag = config.cache.tag; };
  workers = map mkWorker [ { name = "a"; } { name = "b"; tag = "2"; } ];
  proxies = map mkProxy [ { } { tag = "2.11"; } ];
  proxy = mkProxy { tag = "3.1"; };
  o1 = mkOuter { tag = "2.10"; };
  o2 = mkOuter { };
  pair = mkPair { tag = "3.5"; };
  store = mkStore { t = "2"; };
  logs = mkLogs "3";
  all1 = mkAll { };
  all2 = mkAll { names = [ "z" ]; };
  p1 = { } |> mkPiped;
  p2 = mkPiped <| { tag = "2"; };
  vault = mkVia uptix;
  consul = mkViaTag uptix { tag = "3"; };
}
