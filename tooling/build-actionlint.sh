#!/usr/bin/env bash
# Installs the pinned actionlint into .tools/bin: `make lint` checks the GitHub Actions workflows we
# ship in examples/ci/ with it. Built from its Go module (about 25 s cold) into a per-user cache
# keyed by version, outside the clone, like the Pulumi CLI.
set -euo pipefail

VERSION="${1:?usage: build-actionlint.sh VERSION}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${PULUMI_CLI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/altcraft-campaigns/pulumi-cli}/../actionlint/v$VERSION"
LINK="$ROOT/.tools/bin/actionlint"

if [ ! -x "$CACHE/actionlint" ]; then
    echo "[actionlint] building github.com/rhysd/actionlint v$VERSION (once per machine)"
    mkdir -p "$CACHE"
    if ! GOBIN="$CACHE" GOFLAGS=-mod=mod go install "github.com/rhysd/actionlint/cmd/actionlint@v$VERSION" \
        >"$CACHE/build.log" 2>&1; then
        echo "[actionlint] ERROR: go install failed; see $CACHE/build.log (needs Go and the Go module proxy)" >&2
        exit 1
    fi
fi
mkdir -p "$(dirname "$LINK")"
ln -sfn "$CACHE/actionlint" "$LINK"
