#!/usr/bin/env bash
# EXPERIMENT, NOT PART OF THE BUILD (docs/wasm-split-study.md): the wasm-split study end to end,
# on a throwaway copy of a built dist/ (./x build first). Needs Debian's binaryen 108 for
# wasm-split (`apt-get install -y binaryen`); npm's binaryen@132 (tools/) for wasm-dis/wasm-as.
#   tools/experiments/wasm-split/pipeline.sh [WORK_DIR]   (default /tmp/split-work)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
WORK=${1:-/tmp/split-work}
BIN=$ROOT/tools/node_modules/.bin
mkdir -p "$WORK" && cd "$WORK"
rm -rf base && cp -a "$ROOT/dist" base
WASM=$(ls base/*_bg.wasm)

# 1. binaryen 108 cannot read what wasm-opt 132 writes: two `table.fill $1 i null 1` (wasm-bindgen's
#    closure shims) become `table.set $1 i null`, and the module is written back without the
#    compact import section (132's -all would use it). Same code otherwise (+2 KB raw).
"$BIN/wasm-dis" "$WASM" -o base.wat
python3 - <<'EOF'
import re
s = open('base.wat').read()
pat = re.compile(r'\(table\.fill \$1\n(\s*)\(local\.get \$3\)\n\s*\(ref\.null noextern\)\n\s*\(i32\.const 1\)\n(\s*)\)')
s, n = pat.subn(lambda m: '(table.set $1\n' + m.group(1) + '(local.get $3)\n' + m.group(1) + '(ref.null noextern)\n' + m.group(2) + ')', s)
assert n == 2, n
open('fixed.wat', 'w').write(s)
EOF
"$BIN/wasm-as" -mvp --enable-sign-ext --enable-mutable-globals --enable-nontrapping-float-to-int \
  --enable-bulk-memory --enable-bulk-memory-opt --enable-reference-types --enable-multivalue \
  --enable-call-indirect-overlong fixed.wat -o fixed.wasm

# 2. Instrument, run in Chromium, write the profiles, merge them: "boot" = a first visit
#    (no query, as a learner arrives; and ?seed=7, as the benchmark) with 3 s of the clock;
#    "cmd" = the same and `kubectl get pods` typed; "rich" = the same and a first lesson's commands.
wasm-split --instrument -all fixed.wasm -o inst.wasm
python3 "$HERE/fix-externref-export.py" inst.wasm
node "$HERE/make-dist.mjs" base dist-inst --wasm inst.wasm --expose
node "$HERE/profile.mjs" dist-inst p-plain.prof
node "$HERE/profile.mjs" dist-inst p-seed.prof --query '?seed=7'
node "$HERE/profile.mjs" dist-inst p-cmd.prof --command "kubectl get pods"
node "$HERE/profile.mjs" dist-inst p-rich.prof --command "kubectl get nodes" \
  --command "kubectl create deployment web --image=nginx --replicas=3" --command "kubectl get pods" \
  --command "kubectl describe deployment web" --command "kubectl scale deployment web --replicas=5" \
  --command "kubectl get deploy web -o yaml" --command "kubectl delete deployment web"
wasm-split --merge-profiles p-plain.prof p-seed.prof -o boot.prof
wasm-split --merge-profiles p-plain.prof p-seed.prof p-cmd.prof -o cmd.prof
wasm-split --merge-profiles p-plain.prof p-seed.prof p-cmd.prof p-rich.prof -o rich.prof

# 3. Split by each profile; the dist/ copies; sizes.
for p in boot cmd rich; do
  wasm-split -all --profile=$p.prof fixed.wasm -o1 $p-primary.wasm -o2 $p-secondary.wasm
  python3 "$HERE/fix-externref-export.py" $p-primary.wasm
  node "$HERE/make-dist.mjs" base dist-split-$p --wasm $p-primary.wasm --secondary $p-secondary.wasm
done
node "$HERE/make-dist.mjs" base dist-base --wasm "$WASM"
for f in "$WASM" fixed.wasm {boot,cmd,rich}-{primary,secondary}.wasm; do
  printf '%-45s raw %8d  gzip -9 %8d\n' "$(basename "$f")" "$(stat -c %s "$f")" "$(gzip -9c "$f" | wc -c)"
done

# 4. Same behaviour, the late-secondary path, faults, and the throttled first visit in alternation
#    (with EARLY_COMMAND: a command run the moment the page is usable).
node "$HERE/check.mjs" dist-base dist-split-boot
node "$HERE/faults.mjs" dist-split-boot
node "$HERE/bench.mjs" 5 unsplit=dist-base split-boot=dist-split-boot split-cmd=dist-split-cmd split-rich=dist-split-rich
EARLY_COMMAND="kubectl create deployment web --image=nginx --replicas=3" \
  node "$HERE/bench.mjs" 3 unsplit=dist-base split-boot=dist-split-boot split-rich=dist-split-rich
