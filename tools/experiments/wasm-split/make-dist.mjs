// EXPERIMENT, NOT PART OF THE BUILD (docs/wasm-split-study.md). Makes a throwaway copy of a
// built dist/ with another wasm in it, for the wasm-split study:
//   node make-dist.mjs SRC_DIST DST --wasm FILE.wasm [--secondary FILE.wasm] [--expose]
// - --wasm: the (primary) wasm, under the original file name.
// - --secondary: also writes NAME_secondary.wasm beside it and patches the JS glue with the
//   split loader (split-loader.js beside this script).
// - --expose: the glue keeps the wasm's exports on globalThis.__kubelabWasm (for profiling).
// Then index.html's integrity attributes are recomputed, sw.js is rewritten (tools/sw.mjs) and
// the .gz/.br files are made as ./x build makes them (tools/compress.mjs, zopfli).
import { cpSync, readFileSync, writeFileSync, readdirSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const [srcArg, dstArg, ...rest] = process.argv.slice(2);
const [src, dst] = [srcArg, dstArg].map((p) => p && resolve(p));
const opt = (name) => {
  const i = rest.indexOf(name);
  return i < 0 ? undefined : rest[i + 1];
};
if (!src || !dst || !opt('--wasm')) {
  console.error('usage: node make-dist.mjs SRC_DIST DST --wasm FILE.wasm [--secondary FILE.wasm] [--expose]');
  process.exit(2);
}
const tools = fileURLToPath(new URL('../../', import.meta.url));
rmSync(dst, { recursive: true, force: true });
cpSync(src, dst, { recursive: true, filter: (f) => !f.endsWith('.gz') && !f.endsWith('.br') });
const names = readdirSync(dst);
const wasmName = names.find((n) => n.endsWith('_bg.wasm'));
const jsName = names.find((n) => n.startsWith('kubelab-web') && n.endsWith('.js'));
writeFileSync(join(dst, wasmName), readFileSync(opt('--wasm')));

let glue = readFileSync(join(dst, jsName), 'utf8');
const finalize = '    wasm = instance.exports;\n';
if (!glue.includes(finalize)) throw new Error('the glue has no `wasm = instance.exports;` line (another wasm-bindgen?)');
if (rest.includes('--expose')) {
  glue = glue.replace(finalize, `${finalize}    globalThis.__kubelabWasm = wasm;\n`);
}
if (opt('--secondary')) {
  const secondaryName = wasmName.replace('_bg.wasm', '_secondary.wasm');
  writeFileSync(join(dst, secondaryName), readFileSync(opt('--secondary')));
  const loader = readFileSync(fileURLToPath(new URL('./split-loader.js', import.meta.url)), 'utf8')
    .replace('SECONDARY_FILE', secondaryName);
  // 1. The primary's imports get the placeholders; 2. the secondary is fetched as soon as the
  // primary is instantiated, before its `main` runs (the link is free by then), and awaited
  // there for a boot the profile did not see.
  const imports = '    return {\n        __proto__: null,\n        "./kubelab-web_bg.js": import0,\n    };';
  if (!glue.includes(imports)) throw new Error('the glue has no imports object of the expected form');
  glue = glue.replace(imports, '    return splitImports({\n        __proto__: null,\n        "./kubelab-web_bg.js": import0,\n    });');
  const init = '    const { instance, module } = await __wbg_load(await module_or_path, imports);\n';
  if (!glue.includes(init)) throw new Error('the glue has no `await __wbg_load(...)` line of the expected form');
  glue = glue.replace(init, `${init}    await splitBeforeStart(instance.exports);\n`);
  glue = `${loader}\n${glue}`;
}
writeFileSync(join(dst, jsName), glue);

let html = readFileSync(join(dst, 'index.html'), 'utf8');
const sri = (name) => `sha384-${createHash('sha384').update(readFileSync(join(dst, name))).digest('base64')}`;
for (const name of [jsName, wasmName]) {
  const re = new RegExp(`(href="\\./${name}"[^>]*integrity=")[^"]+(")`);
  if (!re.test(html)) throw new Error(`no integrity attribute for ${name} in index.html`);
  html = html.replace(re, `$1${sri(name)}$2`);
}
writeFileSync(join(dst, 'index.html'), html);
execFileSync('node', [join(tools, 'sw.mjs'), dst], { stdio: 'inherit' });
if (!rest.includes('--expose')) execFileSync('node', [join(tools, 'compress.mjs'), dst], { stdio: 'inherit' });
