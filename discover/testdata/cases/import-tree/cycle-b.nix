{ tag = (import ./cycle-b.nix).tag; }
