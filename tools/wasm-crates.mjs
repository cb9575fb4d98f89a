// Which crates the page's wasm code comes from: reads the code section and the function
// names of cargo's own output (target/wasm32-unknown-unknown/release/kubelab-web.wasm, before
// wasm-bindgen and wasm-opt, which keeps its name section; the shipped file has none) and
// sums each function body's bytes by the crate its mangled name starts with. A generic from
// core/alloc/std (a drop, a sort, a Vec's growth) is charged to the first other crate named in
// its type arguments, since that crate's types are why it exists. The figures are before
// wasm-opt shrinks the code (the shipped wasm is smaller), so read them as shares.
//   node tools/wasm-crates.mjs [path.wasm] [rows]
import { readFileSync } from 'node:fs';

// Cargo's output folder: CARGO_TARGET_DIR when set, as cargo itself reads it.
const path = process.argv[2] ?? `${process.env.CARGO_TARGET_DIR ?? 'target'}/wasm32-unknown-unknown/release/kubelab-web.wasm`;
const shown = Number(process.argv[3] ?? 14);
let bytes;
try {
  bytes = readFileSync(path);
} catch (e) {
  console.error(`wasm-crates.mjs: cannot read ${path}: ${e.message}`);
  process.exit(1);
}

let at = 8; // after the magic number and the version
function leb() {
  let result = 0, shift = 0, byte;
  do {
    byte = bytes[at++];
    result += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return result;
}

let importedFunctions = 0;
const bodySizes = [];
const names = new Map();
let dataBytes = 0;
while (at < bytes.length) {
  const id = bytes[at++];
  const size = leb();
  const start = at;
  if (id === 2) { // imports: functions among them come first in the index space
    for (let n = leb(); n > 0; n--) {
      // module, field: each a length, then that many bytes (`at += leb()` would add the
      // length to `at` as it was before leb() moved it past the length's own bytes).
      for (let k = 0; k < 2; k++) { const len = leb(); at += len; }
      const kind = bytes[at++];
      if (kind === 0) { leb(); importedFunctions++; } else if (kind === 1) { at++; const f = bytes[at++]; leb(); if (f & 1) leb(); } else if (kind === 2) { const f = bytes[at++]; leb(); if (f & 1) leb(); } else if (kind === 3) { at += 2; } else { leb(); leb(); }
    }
  } else if (id === 10) {
    for (let n = leb(); n > 0; n--) {
      const body = leb();
      bodySizes.push(body);
      at += body;
    }
  } else if (id === 11) {
    dataBytes = size;
  } else if (id === 0) {
    const len = leb();
    const section = bytes.subarray(at, at + len).toString();
    at += len;
    if (section === 'name') {
      while (at < start + size) {
        const sub = bytes[at++];
        const subSize = leb();
        const subStart = at;
        if (sub === 1) {
          for (let n = leb(); n > 0; n--) {
            const index = leb();
            const l = leb();
            names.set(index, bytes.subarray(at, at + l).toString());
            at += l;
          }
        }
        at = subStart + subSize;
      }
    }
  }
  at = start + size;
}
if (names.size === 0) {
  console.error(`wasm-crates.mjs: ${path} has no name section (built with strip?)`);
  process.exit(1);
}

const STD = new Set(['core', 'alloc', 'std']);
function crateOf(name) {
  if (!name) return '(unnamed)';
  if (!name.startsWith('_ZN')) {
    // wasm-bindgen reads its describe functions and then removes them from the shipped wasm.
    if (name.startsWith('__wbindgen_describe')) return '(bindgen descriptors)';
    return name.startsWith('__wbindgen') || name.startsWith('__wbg') ? 'wasm-bindgen glue' : '(C / runtime)';
  }
  const m = /^_ZN(\d+)/.exec(name);
  const first = name.slice(m[0].length, m[0].length + Number(m[1]));
  const outer = first.startsWith('_$LT$') ? /^_\$LT\$([a-z_][a-z0-9_]*)\.\./.exec(first)?.[1] : first;
  if (outer && !STD.has(outer)) return outer;
  // A path inside the type arguments starts after `<`, `,`, a space, `&`, `*`, `[` or `(`.
  for (const c of name.matchAll(/(?:\$LT\$|\$C\$|\$u20\$|\$RF\$|\$BP\$|\$u5b\$|\$u28\$)([a-z_][a-z0-9_]*)\.\./g)) {
    if (!STD.has(c[1])) return c[1];
  }
  return outer ?? '(unknown)';
}

const byCrate = new Map();
let total = 0;
bodySizes.forEach((size, i) => {
  const crate = crateOf(names.get(importedFunctions + i));
  byCrate.set(crate, (byCrate.get(crate) ?? 0) + size);
  total += size;
});
const rows = [...byCrate].sort((a, b) => b[1] - a[1]);
console.log(`wasm code by crate (${bodySizes.length} functions, ${(total / 1024).toFixed(0)} KB of code before wasm-opt; data ${(dataBytes / 1024).toFixed(0)} KB):`);
for (const [crate, size] of rows.slice(0, shown)) {
  console.log(`  ${crate.padEnd(22)} ${(size / 1024).toFixed(1).padStart(7)} KB  ${((100 * size) / total).toFixed(1).padStart(5)} %`);
}
const rest = rows.slice(shown).reduce((a, [, s]) => a + s, 0);
if (rest > 0) console.log(`  ${`${rows.length - shown} more crates`.padEnd(22)} ${(rest / 1024).toFixed(1).padStart(7)} KB  ${((100 * rest) / total).toFixed(1).padStart(5)} %`);
