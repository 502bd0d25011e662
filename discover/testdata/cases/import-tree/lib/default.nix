# Imported as a directory: `import ./lib`.
let
  base = "ghcr.io/acme";
in
{
  app = "${base}/app:1.0";
  mk = name: "${base}/${name}:latest";
}
