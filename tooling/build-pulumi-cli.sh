#!/usr/bin/env bash
# Installs the pinned Pulumi CLI and Python language host into .tools/bin.
#
# Order of preference:
#   1. .tools/bin already holds the pinned version            -> nothing to do (seconds)
#   2. a `pulumi` of the pinned version is on PATH (official   -> link it and its plugins
#      install), with its Python plugins beside it
#   3. the per-user cache, keyed by version, holds a build     -> link it
#   4. build from Go modules into that cache, then link it     -> minutes, cold
#
# The cache lives outside the clone (default ~/.cache/altcraft-campaigns/pulumi-cli/vN), as do
# Go's module and build caches, so a fresh clone (CI) reuses them.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../pulumi-version.env
. "$ROOT/pulumi-version.env"

TOOLS_BIN="$ROOT/.tools/bin"
CACHE_ROOT="${PULUMI_CLI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/altcraft-campaigns/pulumi-cli}"
DEST="$CACHE_ROOT/v$PULUMI_VERSION"
FILES=(pulumi pulumi-language-python pulumi-language-python-exec pulumi-resource-pulumi-python)
SDK_MOD="github.com/pulumi/pulumi/sdk/v3"
PKG_MOD="github.com/pulumi/pulumi/pkg/v3"
LANGHOST_MOD="github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3"

say() { printf '[pulumi-cli] %s\n' "$*"; }
die() {
    printf '[pulumi-cli] ERROR: %s\n' "$1" >&2
    shift
    for hint in "$@"; do printf '[pulumi-cli]   %s\n' "$hint" >&2; done
    exit 1
}

# A complete bin dir: all four files, executable, and `pulumi version` prints the pin.
complete_dir() {
    local dir="$1" f
    for f in "${FILES[@]}"; do [ -x "$dir/$f" ] || return 1; done
    [ "$("$dir/pulumi" version 2>/dev/null)" = "v$PULUMI_VERSION" ]
}

link_from() {
    local dir="$1" f
    mkdir -p "$TOOLS_BIN"
    # Symlinks are safe: the language host resolves its own path and finds the exec script
    # beside the real file, and the CLI looks for bundled plugins beside its real path too.
    for f in "${FILES[@]}"; do ln -sfn "$dir/$f" "$TOOLS_BIN/$f"; done
}

# Upstream's older host (the fallback below) needs tooling/language_host.py in front of it to behave
# as the pinned one does: Pulumi.yaml's virtualenv option, and RunPlugin for policy packs. The CLI
# takes its language host from beside its own binary (the cache), so the proxy lives there too: the
# real host is renamed, and `pulumi-language-python` becomes a launcher that runs the proxy with
# the project's own interpreter (which has grpc and the Pulumi SDK). Idempotent; refreshes the
# proxy when tooling/language_host.py changes.
install_host_proxy() {
    local dir="$1" real="pulumi-language-python-v$PULUMI_LANGHOST_FALLBACK_SDK"
    grep -q " v$PULUMI_LANGHOST_FALLBACK_SDK\$" "$dir/LANGUAGE_HOST_SOURCE" 2>/dev/null || return 0
    [ -e "$dir/$real" ] || mv "$dir/pulumi-language-python" "$dir/$real"
    cmp -s "$ROOT/tooling/language_host.py" "$dir/language_host.py" ||
        install -m 0644 "$ROOT/tooling/language_host.py" "$dir/language_host.py"
    cat >"$dir/pulumi-language-python.new" <<EOF
#!/bin/sh
# Written by make setup (tooling/build-pulumi-cli.sh): upstream's v$PULUMI_LANGHOST_FALLBACK_SDK language host behind
# language_host.py, which gives it Pulumi.yaml's virtualenv option and RunPlugin for policy packs.
# It runs with the interpreter the program will use: PULUMI_PYTHON_CMD, else Pulumi.yaml's virtualenv.
here="\$(dirname "\$(readlink -f "\$0")")"
python="\${PULUMI_PYTHON_CMD:-}"
dir="\$PWD"
while [ -z "\$python" ] && [ "\$dir" != "/" ]; do
    if [ -f "\$dir/Pulumi.yaml" ]; then
        venv="\$(sed -n 's/^[[:space:]]*virtualenv:[[:space:]]*//p' "\$dir/Pulumi.yaml" | head -n 1 | tr -d "\"'" | sed 's/[[:space:]]*#.*//')"
        case "\$venv" in /*) ;; ?*) venv="\$dir/\$venv" ;; esac
        [ -n "\$venv" ] && [ -x "\$venv/bin/python" ] && python="\$venv/bin/python"
        break
    fi
    dir="\$(dirname "\$dir")"
done
exec "\${python:-python3}" "\$here/language_host.py" --host "\$here/$real" "\$@"
EOF
    chmod 0755 "$dir/pulumi-language-python.new"
    mv "$dir/pulumi-language-python.new" "$dir/pulumi-language-python"
}

if complete_dir "$TOOLS_BIN"; then
    install_host_proxy "$(dirname "$(readlink -f "$TOOLS_BIN/pulumi")")"
    say "pulumi v$PULUMI_VERSION ready in .tools/bin"
    exit 0
fi

# An official install of the pinned version on PATH (outside .tools) is used as it is.
if official="$(PATH="$(printf '%s' "$PATH" | tr ':' '\n' | grep -vFx "$TOOLS_BIN" | paste -sd:)" command -v pulumi)"; then
    official_dir="$(dirname "$(readlink -f "$official")")"
    if complete_dir "$official_dir"; then
        link_from "$official_dir"
        say "using the installed pulumi v$PULUMI_VERSION from $official_dir"
        exit 0
    fi
fi

if complete_dir "$DEST/bin"; then
    link_from "$DEST/bin"
    install_host_proxy "$DEST/bin"
    say "pulumi v$PULUMI_VERSION linked from the cache $DEST/bin"
    exit 0
fi

command -v go >/dev/null || die "Go is not installed." \
    "Install Go >= 1.24 (the build needs the Go module proxy), or install Pulumi v$PULUMI_VERSION" \
    "the official way and put it on PATH; then run 'make setup' again."

[ -n "$DEST" ] && [ "$DEST" != "/" ] || die "refusing to build into an empty cache path"
mkdir -p "$DEST"
LOG="$DEST/build.log"
: >"$LOG"
START=$SECONDS

# A heartbeat, so a cold build that downloads for minutes is not mistaken for a hang.
(while sleep 30; do say "... still working ($((SECONDS - START))s elapsed; log: $LOG)"; done) &
HEARTBEAT=$!
WORK="$(mktemp -d)"
cleanup() { kill "$HEARTBEAT" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

STEP=""
step() { STEP="$1"; say "[$(($SECONDS - START))s] $1"; }
fail_step() {
    echo "---- last lines of $LOG ----" >&2
    tail -n 25 "$LOG" >&2 || true
    die "building the Pulumi CLI failed while: $STEP" \
        "Full log: $LOG" \
        "Check that the Go module proxy is reachable (go env GOPROXY) and that there are ~4 GB free" \
        "for Go's module and build caches; then run 'make setup' again (finished downloads are kept)." \
        "Alternatively install Pulumi v$PULUMI_VERSION the official way and put it on PATH."
}
trap fail_step ERR

retry() {  # the proxy occasionally times out on a first download
    local i
    for i in 1 2 3; do "$@" >>"$LOG" 2>&1 && return 0; sleep $((i * 5)); done
    return 1
}

export CGO_ENABLED=0
export GOFLAGS="${GOFLAGS:-} -modcacherw"   # lets anyone clean the module cache later
LDFLAGS="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION"
OUT="$DEST/bin.new"
rm -rf "$OUT"
mkdir -p "$OUT"

say "building Pulumi v$PULUMI_VERSION from Go modules into $DEST (cold: 5-15 minutes)"

# The CLI. A wrapper module is needed: `go install pkg@version` refuses modules with replace
# directives. The clipboard replace is copied from upstream's pkg/go.mod.
step "resolving the CLI's modules (pkg/v3 v$PULUMI_VERSION)"
mkdir -p "$WORK/cli"
cat >"$WORK/cli/go.mod" <<EOF
module pulumi-cli-build

go 1.24

require (
	$PKG_MOD v$PULUMI_VERSION
	$SDK_MOD v$PULUMI_VERSION
)

tool $PKG_MOD/cmd/pulumi

replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
EOF
(cd "$WORK/cli" && retry go mod tidy)
step "compiling pulumi (the slow part)"
(cd "$WORK/cli" && go build -trimpath -tags osusergo,grpcnotrace -ldflags "$LDFLAGS" \
    -o "$OUT/pulumi" "$PKG_MOD/cmd/pulumi" >>"$LOG" 2>&1)

# The language host: the pinned module if the proxy serves it, else upstream's source inside
# an older sdk/v3 (see pulumi-version.env for why).
mkdir -p "$WORK/host"
if (cd "$WORK" && go list -m "$LANGHOST_MOD@$PULUMI_LANGHOST_VERSION" >>"$LOG" 2>&1); then
    step "compiling pulumi-language-python $PULUMI_LANGHOST_VERSION"
    HOST_PKG="$LANGHOST_MOD"
    HOST_VERSION="v$PULUMI_VERSION"
    cat >"$WORK/host/go.mod" <<EOF
module pulumi-langhost-build

go 1.24

require (
	$LANGHOST_MOD $PULUMI_LANGHOST_VERSION
	$PKG_MOD v$PULUMI_VERSION
	$SDK_MOD v$PULUMI_VERSION
)

tool $LANGHOST_MOD

replace (
	$PKG_MOD => $PKG_MOD v$PULUMI_VERSION
	$SDK_MOD => $SDK_MOD v$PULUMI_VERSION
	github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
)
EOF
else
    say "the proxy does not serve $LANGHOST_MOD@$PULUMI_LANGHOST_VERSION;"
    say "building upstream's language host from $SDK_MOD@v$PULUMI_LANGHOST_FALLBACK_SDK instead"
    step "compiling pulumi-language-python (from sdk/v3 v$PULUMI_LANGHOST_FALLBACK_SDK)"
    HOST_PKG="$SDK_MOD/python/cmd/pulumi-language-python"
    HOST_VERSION="v$PULUMI_LANGHOST_FALLBACK_SDK"
    cat >"$WORK/host/go.mod" <<EOF
module pulumi-langhost-build

go 1.24

require $SDK_MOD v$PULUMI_LANGHOST_FALLBACK_SDK

tool $HOST_PKG
EOF
fi
(cd "$WORK/host" && retry go mod tidy)
(cd "$WORK/host" && go build -trimpath -tags osusergo,grpcnotrace \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$HOST_VERSION" \
    -o "$OUT/pulumi-language-python" "$HOST_PKG" >>"$LOG" 2>&1)

# The two scripts come from the pinned sdk/v3 module; module-cache files are read-only and
# not executable, hence install -m 0755.
step "copying the Python executor and dynamic-provider scripts from sdk/v3 v$PULUMI_VERSION"
SDK_DIR="$(cd "$WORK/cli" && go list -m -f '{{.Dir}}' "$SDK_MOD")"
install -m 0755 "$SDK_DIR/python/cmd/pulumi-language-python-exec" "$OUT/"
install -m 0755 "$SDK_DIR/python/dist/pulumi-resource-pulumi-python" "$OUT/"
echo "$HOST_PKG $HOST_VERSION" >"$OUT/LANGUAGE_HOST_SOURCE"

step "checking the result"
trap - ERR
complete_dir "$OUT" || die "the freshly built pulumi does not report v$PULUMI_VERSION" \
    "It printed: $("$OUT/pulumi" version 2>&1 || true)" "Full log: $LOG"
rm -rf "$DEST/bin"
mv "$OUT" "$DEST/bin"
link_from "$DEST/bin"
install_host_proxy "$DEST/bin"
say "pulumi $("$TOOLS_BIN/pulumi" version) built in $((SECONDS - START))s; language host: $HOST_PKG $HOST_VERSION"
