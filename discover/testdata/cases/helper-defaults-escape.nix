# A helper that may be called where discovery cannot see (exported,
# passed on) has defaults that those calls may override: its calls are
# unresolved, naming the parameter, with the default and the known
# calls' values as candidates. Mapped over something not constant, it
# gets arguments that are not constant, which may or may not hold the
# attribute.
{ lib, config, uptix, tag ? "16", ... }:
let
  mkDb = { version ? "15" }: uptix.dockerImage "postgres:${version}"; # want dockerImage unresolved "`version`" candidates "postgres:15" "postgres:17"
  mkMq = { version ? "3.13" }: uptix.dockerImage "rabbitmq:${version}"; # want dockerImage unresolved "an element of `config.queues` or the default of `version` (given as `version` by the call at line 27)"
  # Never called and not passed on: nothing can give another value, so
  # the default holds.
  mkUnused = { version ? "1.2" }: uptix.dockerImage "unused:${version}"; # want dockerImage "unused:1.2"
  # A function that calls itself, or is in a cycle of calls, is called
  # from a walk not finished: its calls are not all known.
  mkRec = { n ? 0, tag ? "1" }: if n == 0 then uptix.dockerImage "rec:${tag}" else mkRec { n = n - 1; inherit tag; }; # want dockerImage unresolved "`tag`" candidates "rec:1" "rec:5"
  ping = { tag ? "1" }: pong { inherit tag; };
  pong = { tag ? "1" }: if tag == "" then ping { } else uptix.dockerImage "pong:${tag}"; # want dockerImage unresolved "`tag`" candidates "pong:1"
in
{
  # The module function's own defaulted formal keeps its default.
  main = uptix.dockerImage "postgres:${tag}"; # want dockerImage "postgres:16"
  db = mkDb { version = "17"; };
  r = mkRec { n = 2; tag = "5"; };
  p = ping { tag = "6"; };
  lib.mkDb = mkDb;
  queues = map mkMq config.queues;
}
