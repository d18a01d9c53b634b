#!/usr/bin/env bash
# Packs every library and the `zkml` tool into a temporary feed, installs the tool from it into a
# temporary tool path (as a user would with --global), and checks: `zkml --version`, an accepted
# verification of the checked-in proof (tests/data/tool-check, public files only) and a rejected
# tampered copy; the credit demo run from outside the repository; and, from the packed .nuspec files, that the verifier-only package's dependency
# closure has no ONNX Runtime, ONNX loader, quantizer, workflows, CLI, prover or weights (ZkmlProver.Prover, ZkmlProver.Witness).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet pack ZkmlProver.sln -c Release -o "$work/feed" --nologo -v quiet >/dev/null
# A fresh package cache: the global one may hold an older zkml 0.3.0 from an earlier run.
NUGET_PACKAGES="$work/packages" dotnet tool install zkml --tool-path "$work/tools" --add-source "$work/feed" >/dev/null
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
# The demo from outside the repository: the tool carries the credit model.
(cd "$work" && "$zkml" demo credit -o "$work/demo" >/dev/null)
test -s "$work/demo/report.md" && test -s "$work/demo/report.html" && test -s "$work/demo/audit/decisions.zkp"
echo "pack-and-install: installed zkml runs the credit demo outside the repository"
python3 - "$work/feed" <<'PY'
import sys, zipfile, glob, os, re, xml.etree.ElementTree as ET
feed = sys.argv[1]
deps = {}
for pkg in glob.glob(os.path.join(feed, "*.nupkg")):
    with zipfile.ZipFile(pkg) as z:
        spec = ET.fromstring(z.read(next(n for n in z.namelist() if n.endswith(".nuspec"))))
    ns = {"n": spec.tag.split("}")[0].strip("{")}
    pid = spec.find("n:metadata/n:id", ns).text
    deps[pid] = {d.get("id") for d in spec.iterfind(".//n:dependency", ns)}
forbidden = re.compile(r"^(Microsoft\.ML\.OnnxRuntime|ZkmlProver\.(Onnx|Quantize|Workflows|Cli|Prover|Witness)|zkml|Google\.Protobuf|Spectre\.Console|ScottPlot|Microsoft\.Data\.Sqlite|System\.CommandLine)(\.|$)", re.I)
closure, todo = set(), ["ZkmlProver.Verifier"]
while todo:
    p = todo.pop()
    if p in closure: continue
    closure.add(p)
    todo.extend(deps.get(p, ()))   # packages not in the feed (BouncyCastle, System.Numerics.Tensors) come from nuget.org
bad = sorted(p for p in closure if forbidden.match(p))
if "ZkmlProver.Verifier" not in deps or "ZkmlProver.Proving" not in closure:
    sys.exit("pack-and-install: the verifier package or its dependency on ZkmlProver.Proving is missing from the feed")
if bad:
    sys.exit("pack-and-install: the verifier-only package depends on " + ", ".join(bad))
print("pack-and-install: ZkmlProver.Verifier closure (" + ", ".join(sorted(closure)) + ") has no front end, prover or weights")
PY
