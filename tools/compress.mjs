// Writes NAME.gz and NAME.br beside every file of the built site (for static hosts that serve
// precompressed files: nginx gzip_static/brotli_static, Caddy precompressed, Netlify...), as
// small as each format allows, and prints each file's raw, gzip and brotli size plus what the
// first visit downloads (the wasm and its JS glue).
// - .gz: zopfli (the same gzip format any browser reads, searched harder): the page's wasm is
//   about 5 % smaller than with zlib at level 9 (BENCHMARKS.md, session 15), for ~10 s of build.
// - .br: brotli at quality 11.
// The summary also gives zlib's level 9, the measure of the 1,000 KB budget through session 14
// (and about what a host that compresses on the fly at its best level sends).
//   node tools/compress.mjs [dist]
import { readdirSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync, gunzipSync, constants } from 'node:zlib';
import { gzipAsync } from '@gfx/zopfli';

const dir = process.argv[2] ?? 'dist';
const files = readdirSync(dir)
  .filter((f) => !f.endsWith('.gz') && !f.endsWith('.br') && statSync(join(dir, f)).isFile())
  .sort();
if (files.length === 0) {
  console.error(`compress.mjs: no files in ${dir} (build first: trunk build --release)`);
  process.exit(1);
}

// Zopfli's iterations: 5 is within 0.2 % of 15 on the wasm, in a third of the time.
const ZOPFLI_ITERATIONS = 5;

const rows = [];
for (const name of files) {
  const raw = readFileSync(join(dir, name));
  const zlib9 = gzipSync(raw, { level: 9 });
  let gz = Buffer.from(await gzipAsync(raw, { numiterations: ZOPFLI_ITERATIONS }));
  // A compressor that does not round-trip must not be served: keep zlib's then.
  if (!gunzipSync(gz).equals(raw)) {
    console.error(`compress.mjs: zopfli's ${name}.gz does not decompress to the file; writing zlib's`);
    gz = zlib9;
  }
  const br = brotliCompressSync(raw, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
      [constants.BROTLI_PARAM_MODE]: name.endsWith('.wasm') ? constants.BROTLI_MODE_GENERIC : constants.BROTLI_MODE_TEXT,
    },
  });
  writeFileSync(join(dir, `${name}.gz`), gz);
  writeFileSync(join(dir, `${name}.br`), br);
  rows.push({ name, raw: raw.length, gz: gz.length, zlib9: zlib9.length, br: br.length });
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const width = Math.max(...rows.map((r) => r.name.length));
console.log(`${'file'.padEnd(width)}  ${'raw'.padStart(10)}  ${'.gz zopfli'.padStart(10)}  ${'zlib -9'.padStart(10)}  ${'brotli 11'.padStart(10)}`);
for (const r of rows) {
  console.log(`${r.name.padEnd(width)}  ${kb(r.raw).padStart(10)}  ${kb(r.gz).padStart(10)}  ${kb(r.zlib9).padStart(10)}  ${kb(r.br).padStart(10)}`);
}
// What the page's first screen needs: the wasm and its JS glue (trunk names both kubelab-web-*).
const code = rows.filter((r) => r.name.startsWith('kubelab-web') && (r.name.endsWith('.wasm') || r.name.endsWith('.js')));
const sum = (k) => code.reduce((a, r) => a + r[k], 0);
console.log(`wasm + JS glue: ${sum('raw')} bytes raw, ${sum('zlib9')} bytes zlib gzip -9 (${kb(sum('zlib9'))}; budget 1,000 KB), ${sum('gz')} bytes .gz as served (zopfli, ${kb(sum('gz'))}), ${sum('br')} bytes brotli (${kb(sum('br'))})`);
