# More functions that map: concatMap, imap0/imap1, mapAttrs', pipes into
# map, and a mapped lambda whose result is the uptix function itself.
{ lib, uptix, ... }:
let
  refs = [ "a:1" "b:2" ];
in
{
  a = lib.concatMap (r: [ (uptix.dockerImage r) ]) refs; # want dockerImage "a:1" "b:2"
  b = lib.imap1 (i: r: uptix.dockerImage "${r}-${toString i}") refs; # want dockerImage "a:1-1" "b:2-2"
  c = lib.mapAttrs' (n: v: lib.nameValuePair n (uptix.dockerImage v)) { x = "x:1"; }; # want dockerImage "x:1"
  d = refs |> map uptix.dockerImage; # want dockerImage "a:1" "b:2"
  e = lib.imap0 (i: uptix.dockerImage) refs; # want dockerImage "a:1" "b:2"
  f = map (r: uptix.githubRelease { owner = "o"; repo = r; }) [ "r1" "r2" ]; # want githubRelease "$GITHUB_RELEASE$:o/r1$" "$GITHUB_RELEASE$:o/r2$"
  # One element not constant: the whole call is; the others are candidates.
  g = map uptix.dockerImage [ "ok:1" config.tag ]; # want dockerImage unresolved "`config.tag`" candidates "ok:1"
  # Nested maps: the inner lambda sees the outer element.
  h = map (reg: map (n: uptix.dockerImage "${reg}/${n}:1") [ "p" "q" ]) [ "r.io" "s.io" ]; # want dockerImage "r.io/p:1" "r.io/q:1" "s.io/p:1" "s.io/q:1"
}
