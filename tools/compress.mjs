// Writes NAME.gz and NAME.br beside every file of the built site (for static hosts that serve
// precompressed files: nginx gzip_static/brotli_static, Caddy precompressed, Netlify...), at
// the highest settings (gzip -9, brotli quality 11), and prints each file's raw, gzip and
// brotli size plus what the first visit downloads (the wasm and its JS glue).
//   node tools/compress.mjs [dist]
import { readdirSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';

const dir = process.argv[2] ?? 'dist';
const files = readdirSync(dir)
  .filter((f) => !f.endsWith('.gz') && !f.endsWith('.br') && statSync(join(dir, f)).isFile())
  .sort();
if (files.length === 0) {
  console.error(`compress.mjs: no files in ${dir} (build first: trunk build --release)`);
  process.exit(1);
}

const rows = files.map((name) => {
  const raw = readFileSync(join(dir, name));
  const gz = gzipSync(raw, { level: 9 });
  const br = brotliCompressSync(raw, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
      [constants.BROTLI_PARAM_MODE]: name.endsWith('.wasm') ? constants.BROTLI_MODE_GENERIC : constants.BROTLI_MODE_TEXT,
    },
  });
  writeFileSync(join(dir, `${name}.gz`), gz);
  writeFileSync(join(dir, `${name}.br`), br);
  return { name, raw: raw.length, gz: gz.length, br: br.length };
});

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const width = Math.max(...rows.map((r) => r.name.length));
console.log(`${'file'.padEnd(width)}  ${'raw'.padStart(10)}  ${'gzip -9'.padStart(10)}  ${'brotli 11'.padStart(10)}`);
for (const r of rows) {
  console.log(`${r.name.padEnd(width)}  ${kb(r.raw).padStart(10)}  ${kb(r.gz).padStart(10)}  ${kb(r.br).padStart(10)}`);
}
// What the page's first screen needs: the wasm and its JS glue (trunk names both kubelab-web-*).
const code = rows.filter((r) => r.name.startsWith('kubelab-web') && (r.name.endsWith('.wasm') || r.name.endsWith('.js')));
const sum = (k) => code.reduce((a, r) => a + r[k], 0);
console.log(`wasm + JS glue: ${sum('raw')} bytes raw, ${sum('gz')} bytes gzip (${kb(sum('gz'))}), ${sum('br')} bytes brotli (${kb(sum('br'))}); budget 1,000 KB gzip`);
