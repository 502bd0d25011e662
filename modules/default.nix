# The functions a NixOS configuration calls to use what `uptix update`
# locked. Built from the lock file's path and the package set whose host
# platform decides which image architecture is fetched.
#
#   uptix = import ./modules { lockFile = ./uptix.lock; inherit pkgs; };
#   imageFile = uptix.dockerImage "postgres:15";
#   image = "postgres:15";
#
# See README.md in this folder for how references are split and how the
# platform is chosen.
{ lockFile, pkgs }:

let
  inherit (builtins)
    attrNames concatStringsSep elemAt filter functionArgs hasAttr
    isAttrs isString listToAttrs match replaceStrings stringLength
    substring;

  lockData = builtins.fromJSON (builtins.readFile lockFile);

  # Shell-quote a reference for the commands printed in error messages.
  shellQuote = s: "'" + replaceStrings [ "'" ] [ "'\\''" ] s + "'";

  upper = [ "A" "B" "C" "D" "E" "F" "G" "H" "I" "J" "K" "L" "M" "N" "O" "P" "Q" "R" "S" "T" "U" "V" "W" "X" "Y" "Z" ];
  lower = [ "a" "b" "c" "d" "e" "f" "g" "h" "i" "j" "k" "l" "m" "n" "o" "p" "q" "r" "s" "t" "u" "v" "w" "x" "y" "z" ];
  toLower = replaceStrings upper lower;

  # ---- image references ---------------------------------------------------

  # Regular expressions (POSIX extended, as builtins.match uses) for the
  # distribution reference grammar.
  componentRe = "[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*";
  pathRe = "${componentRe}(/${componentRe})*";
  domainPartRe = "([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
  hostRe = "(${domainPartRe}(\\.${domainPartRe})*|[[][a-fA-F0-9:]+[]])";
  domainRe = "${hostRe}(:[0-9]+)?";
  tagRe = "[A-Za-z0-9_][A-Za-z0-9_.-]*";
  digestRe = "[a-z0-9]+([+._-][a-z0-9]+)*:[a-fA-F0-9]{32,}";

  matches = re: s: match re s != null;

  invalid = ref: why:
    throw "uptix: invalid image reference \"${ref}\": ${why}";

  # Split a reference into { name, tag, digest } without validating it.
  # The digest follows the first `@`; the tag follows the last `:` that
  # comes after the last `/` (so `localhost:5000/app` has no tag and
  # `[::1]:5000/app` is never split inside the brackets).
  splitRef = ref:
    let
      atParts = match "([^@]*)@(.*)" ref;
      nameTag = if atParts == null then ref else elemAt atParts 0;
      digest = if atParts == null then null else elemAt atParts 1;
      tagParts = match "(.*):([^:/]*)" nameTag;
    in
    {
      name = if tagParts == null then nameTag else elemAt tagParts 0;
      tag = if tagParts == null then null else elemAt tagParts 1;
      inherit digest;
    };

  # Why `name` (the part before tag and digest) is not a valid name, or
  # null when it is. The first element is a registry when it is
  # `localhost` or contains `.` or `:`; the rest must be lowercase.
  nameProblem = name:
    let
      slash = match "([^/]*)/(.*)" name;
      first = if slash == null then null else elemAt slash 0;
      hasDomain = first != null
        && (first == "localhost" || matches ".*[.:].*" first);
      path = if hasDomain then elemAt slash 1 else name;
      lowered = toLower path;
    in
    if name == "" then "the name is empty"
    else if stringLength name > 255 then "the name is longer than 255 characters"
    else if hasDomain && !(matches domainRe first) then
      "\"${first}\" is not a valid registry host"
    else if path == "" then "the repository path is empty"
    else if matches pathRe path then null
    else if lowered != path && matches pathRe lowered then
      "the repository path must be lowercase (\"${if hasDomain then first + "/" else ""}${lowered}\")"
    else
      "\"${path}\" is not a valid repository path (lowercase letters and digits, separated by \".\", \"_\", \"__\", \"-\" or \"/\")";

  # Parse and check a reference; returns { name, tag, digest, finalTag,
  # registryHost } or throws.
  parseRef = ref:
    let
      parts = splitRef ref;
      inherit (parts) name tag digest;
      problem =
        if matches "[a-f0-9]{64}" ref then
          "a bare 64-digit hexadecimal string is an image ID, not a reference"
        else if nameProblem name != null then nameProblem name
        else if tag != null && tag == "" then "the tag after \":\" is empty"
        else if tag != null && !(matches tagRe tag) then
          "the tag \"${tag}\" must start with a letter, digit or \"_\" and contain only those, \".\" and \"-\""
        else if tag != null && stringLength tag > 128 then
          "the tag is longer than 128 characters"
        else if digest != null && !(matches digestRe digest) then
          "\"${digest}\" is not a digest (algorithm:hex)"
        else if digest != null && matches "sha256:.*" digest
          && !(matches "sha256:[a-f0-9]{64}" digest) then
          "a sha256 digest has 64 lowercase hexadecimal digits"
        else null;
      digestParts = match "([^:]*):(.*)" digest;
      slash = match "([^/]*)/.*" name;
      first = if slash == null then "" else elemAt slash 0;
    in
    if problem != null then invalid ref problem
    else {
      inherit name tag digest;
      finalTag =
        if tag != null then tag
        else if digest != null then
          "${elemAt digestParts 0}-${substring 0 12 (elemAt digestParts 1)}"
        else "latest";
      registryHost =
        if first == "localhost" || matches ".*[.:].*" first
        then elemAt (match "([[][^]]*[]]|[^:]*).*" first) 0
        else "docker.io";
    };

  # Registries on the loopback interface usually speak plain HTTP.
  isLoopback = host:
    host == "localhost" || host == "[::1]" || matches "127\\.[0-9.]+" host;

  # ---- platforms ----------------------------------------------------------

  hostSystem = pkgs.stdenv.hostPlatform.system or pkgs.system;
  hostCpu = elemAt (match "([^-]*)-.*" hostSystem) 0;

  # Go's GOARCH (and GOARM as an OCI variant) for a Nix CPU name, as
  # nixpkgs' go.GOARCH maps them.
  cpuPlatforms = {
    x86_64 = { arch = "amd64"; };
    aarch64 = { arch = "arm64"; };
    i686 = { arch = "386"; };
    i586 = { arch = "386"; };
    i486 = { arch = "386"; };
    i386 = { arch = "386"; };
    armv7l = { arch = "arm"; variant = "v7"; };
    armv7a = { arch = "arm"; variant = "v7"; };
    armv6l = { arch = "arm"; variant = "v6"; };
    armv5tel = { arch = "arm"; variant = "v5"; };
    powerpc64le = { arch = "ppc64le"; };
    powerpc64 = { arch = "ppc64"; };
    riscv64 = { arch = "riscv64"; };
    s390x = { arch = "s390x"; };
    mips64el = { arch = "mips64le"; };
    mipsel = { arch = "mipsle"; };
    loongarch64 = { arch = "loong64"; };
  };

  hostImagePlatform =
    let p = cpuPlatforms.${hostCpu} or
      (throw "uptix: no container image architecture is known for the host platform ${hostSystem}");
    in {
      os = "linux";
      inherit (p) arch;
      variant = p.variant or null;
      key = concatStringsSep "/" ([ "linux" p.arch ]
        ++ (if p ? variant then [ p.variant ] else [ ]));
    };

  # ---- the lock -------------------------------------------------------------

  lockEntry = key: hint:
    if hasAttr key lockData then
      (let e = lockData.${key}; in if isAttrs e && e ? lock then e.lock else e)
    else throw "uptix: ${hint} is not in the lock file; run: uptix update";

  # The { imageDigest, sha256 } pair for platform `platform`.
  imageLock = ref: platform:
    let
      l = lockEntry ref "image \"${ref}\"";
      update = "uptix update --dependency ${shellQuote ref}";
      # Keys that name the same platform (arm64 images often say v8).
      keys = [ platform.key ]
        ++ (if platform.key == "linux/arm64" then [ "linux/arm64/v8" ] else [ ]);
      perPlatform = filter (k: (l.platforms or { }) ? ${k}) keys;
      primary = l.platform or "linux/amd64";
    in
    if isString l then
      throw "uptix: image \"${ref}\" is locked in the old format (a bare digest); run: ${update}"
    else if !(isAttrs l) || !(l ? imageDigest) || !(l ? sha256) then
      throw "uptix: the lock entry of image \"${ref}\" has no imageDigest and sha256; run: ${update}"
    else if perPlatform != [ ] then
      l.platforms.${elemAt perPlatform 0}
    else if builtins.elem primary keys then
      { inherit (l) imageDigest sha256; }
    else
      throw "uptix: image \"${ref}\" is not locked for ${platform.key}; run: ${update} --platform ${platform.key}";

  dockerImageFor = platform: ref:
    let
      parsed = parseRef ref;
      locked = imageLock ref platform;
      pullImage = pkgs.dockerTools.pullImage;
      # What pullImage declares; nixpkgs wraps it in a functor at times.
      accepts =
        if builtins.isFunction pullImage then functionArgs pullImage
        else pullImage.__functionArgs or { };
    in
    # Check the reference and the lock here, not when pullImage reads them.
    builtins.seq parsed.finalTag (builtins.seq locked.sha256 (pullImage ({
      imageName = parsed.name;
      inherit (locked) imageDigest sha256;
      finalImageName = parsed.name;
      finalImageTag = parsed.finalTag;
      inherit (platform) os arch;
    }
    // (if platform.variant != null && accepts ? variant
        then { inherit (platform) variant; } else { })
    // (if isLoopback parsed.registryHost && accepts ? tlsVerify
        then { tlsVerify = false; } else { }))));

  # ---- GitHub ---------------------------------------------------------------

  flagsOf = args:
    (if args.fetchSubmodules or false then "f" else "")
    + (if args.deepClone or false then "d" else "")
    + (if args.leaveDotGit or false then "l" else "");

  # fetchFromGitHub only downloads the archive when no git flag is set, so
  # flags that are false are left out rather than passed as false.
  dropFalse = set:
    listToAttrs (map (name: { inherit name; value = set.${name}; })
      (filter (name: set.${name} != false) (attrNames set)));

in
rec {
  # `dockerImage "postgres:15"`: a fixed-output derivation (nixpkgs'
  # dockerTools.pullImage) holding the docker-archive tarball of the
  # locked image for the host platform, tagged exactly as written so that
  # `image = "postgres:15"` names what `imageFile` loads.
  dockerImage = dockerImageFor hostImagePlatform;

  # The earlier uptix's name for the same function.
  pullDockerImage = dockerImage;

  # `githubBranch { owner; repo; branch; }`: arguments for fetchFromGitHub.
  githubBranch = { owner, repo, branch, ... }@args:
    dropFalse (lockEntry "$GITHUB_BRANCH$:${owner}/${repo}:${branch}\$${flagsOf args}"
      "GitHub branch ${owner}/${repo}:${branch}")
    // removeAttrs args [ "branch" ];

  # `githubRelease { owner; repo; }`: arguments for fetchFromGitHub, at the
  # latest release.
  githubRelease = { owner, repo, ... }@args:
    dropFalse (lockEntry "$GITHUB_RELEASE$:${owner}/${repo}\$${flagsOf args}"
      "GitHub release of ${owner}/${repo}")
    // args;

  # `version (githubRelease { … })`: the release's tag without a leading v.
  version = release:
    let rev = release.rev; in
    if substring 0 1 rev == "v" then substring 1 (stringLength rev) rev else rev;
}
