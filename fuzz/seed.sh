#!/usr/bin/env bash
# Seeds the fuzz corpora from the lab's own material: every manifest in tests/, lessons/, the
# add-ons' manifests (an IngressClass, the ingress controller, metrics-server) and ../shared/corpus
# (if present), and every console line of the scenario scripts.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus/manifest corpus/command
sources=(../tests ../lessons ../crates/engine/src/addons)
[ -d ../../shared/corpus ] && sources+=(../../shared/corpus)
find "${sources[@]}" -name '*.yaml' -size -64k | while read -r f; do
  cp "$f" "corpus/manifest/$(sha1sum "$f" | cut -c1-16)"
done
cat ../tests/scenarios/*/script | grep -E '^(kubectl|k|lab) ' | sort -u | while IFS= read -r line; do
  printf '%s' "$line" > "corpus/command/$(printf '%s' "$line" | sha1sum | cut -c1-16)"
done
echo "corpus: $(ls corpus/manifest | wc -l) manifests, $(ls corpus/command | wc -l) command lines"
