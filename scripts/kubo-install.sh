#!/usr/bin/env bash
# Installs the pinned Kubo (the Go IPFS node) into .kubo/bin/ipfs, built from source with the machine's Go.
# Nothing prebuilt is downloaded: the Go module proxy supplies the source and the build runs here.
#
# Why not `go install github.com/ipfs/kubo/cmd/ipfs@<version>`: go install refuses a main module whose go.mod has
# replace or exclude lines, and Kubo's has both. So the script copies the module's source to a scratch folder and
# builds it there. Kubo 0.43 also replaces go-libp2p with a fork that the module proxy does not hold; the script
# swaps that fork for the upstream release named in KUBO_LIBP2P (the fork only carries a quic-go bump, and the
# tests speak TCP).
#
# Environment: KUBO_VERSION, KUBO_LIBP2P (empty: keep Kubo's own go-libp2p), KUBO_DIR (default <repo>/.kubo).
set -euo pipefail

KUBO_VERSION="${KUBO_VERSION:-v0.43.1}"
KUBO_LIBP2P="${KUBO_LIBP2P-v0.52.0}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
KUBO_DIR="${KUBO_DIR:-$ROOT/.kubo}"
BIN="$KUBO_DIR/bin/ipfs"
started=$(date +%s)

say () { printf 'kubo:install: %s\n' "$*"; }

if [[ -x "$BIN" ]] && [[ "$("$BIN" version --number 2>/dev/null || true)" == "${KUBO_VERSION#v}" ]]; then
  say "Kubo ${KUBO_VERSION#v} is already installed at $BIN"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  say "Go is not installed (no 'go' on PATH). Kubo is built from source with Go 1.25 or later:" >&2
  say "install Go from https://go.dev/dl/ (or your package manager), then run 'npm run kubo:install' again." >&2
  say "Without Kubo the Kubo tests are skipped (and fail under CI=true)." >&2
  exit 1
fi

say "building Kubo $KUBO_VERSION with $(go version | cut -d' ' -f3) into $BIN (a few minutes on a small machine)"
scratch="$(mktemp -d "${TMPDIR:-/tmp}/kubo-build-XXXXXX")"
trap 'chmod -R u+w "$scratch" 2>/dev/null; rm -rf "$scratch"' EXIT

module_dir="$(go mod download -json "github.com/ipfs/kubo@$KUBO_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
if [[ -z "$module_dir" || ! -d "$module_dir" ]]; then
  say "could not download the source of github.com/ipfs/kubo@$KUBO_VERSION through the Go module proxy" >&2
  exit 1
fi
cp -R "$module_dir" "$scratch/kubo"
chmod -R u+w "$scratch/kubo"
cd "$scratch/kubo"

if [[ -n "$KUBO_LIBP2P" ]] && grep -Eq '^replace[[:space:]]+github\.com/libp2p/go-libp2p[[:space:]]+=>' go.mod; then
  say "replacing Kubo's go-libp2p fork with upstream go-libp2p $KUBO_LIBP2P"
  go mod edit -dropreplace github.com/libp2p/go-libp2p
  go get "github.com/libp2p/go-libp2p@$KUBO_LIBP2P"
  go mod tidy
fi

mkdir -p "$KUBO_DIR/bin"
go build -trimpath -o "$BIN.partial" ./cmd/ipfs
mv "$BIN.partial" "$BIN"

installed="$("$BIN" version --number)"
if [[ "$installed" != "${KUBO_VERSION#v}" ]]; then
  say "built $BIN but it reports version $installed, not ${KUBO_VERSION#v}" >&2
  exit 1
fi
say "installed Kubo $installed at $BIN in $(( $(date +%s) - started )) s"
