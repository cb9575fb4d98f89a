// Trunk post-build hook: adds a Content-Security-Policy to the built page. Trunk's loader is
// an inline module script, so the policy allows exactly that script by its SHA-256 (no
// 'unsafe-inline' for scripts); 'wasm-unsafe-eval' lets the module compile the wasm.
// Styles may be inline (the page sets a few style attributes); nothing else loads from
// anywhere but the page's own origin.
import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('csp.mjs: TRUNK_STAGING_DIR is not set (run by trunk as a post_build hook)');
  process.exit(1);
}
const path = join(dir, 'index.html');
let html = readFileSync(path, 'utf8');
const scripts = [...html.matchAll(/<script(?:\s[^>]*)?>([\s\S]*?)<\/script>/g)].map((m) => m[1]).filter((s) => s.trim() !== '');
const hashes = scripts.map((s) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`);
const policy = [
  "default-src 'self'",
  `script-src 'self' 'wasm-unsafe-eval' ${hashes.join(' ')}`.trim(),
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
if (!html.includes('<meta charset="utf-8" />')) {
  console.error('csp.mjs: no <meta charset="utf-8" /> in index.html to put the policy after');
  process.exit(1);
}
html = html.replace('<meta charset="utf-8" />', `<meta charset="utf-8" />\n    <meta http-equiv="Content-Security-Policy" content="${policy}" />`);
writeFileSync(path, html);
console.log(`csp.mjs: Content-Security-Policy with ${hashes.length} script hash(es)`);
