// Trunk post-build step (after csp.mjs, which changes index.html): writes sw.js, the
// service worker, into the built site. Its first line names this build's files and each
// one's SHA-256, and a version made from all of them, so that any change to any file is a
// new worker (the browser compares sw.js byte for byte on each visit) with a cache of its own.
// The worker's code is tools/sw-worker.js.
import { readdirSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = process.env.TRUNK_STAGING_DIR ?? process.argv[2];
if (!dir) {
  console.error('sw.mjs: TRUNK_STAGING_DIR is not set (run by trunk as a post_build hook, or give the folder)');
  process.exit(1);
}
const sha256 = (data) => createHash('sha256').update(data).digest('base64');
const assets = {};
for (const name of readdirSync(dir).sort()) {
  if (name === 'sw.js' || name.endsWith('.gz') || name.endsWith('.br') || !statSync(join(dir, name)).isFile()) continue;
  assets[name] = sha256(readFileSync(join(dir, name)));
}
if (!assets['index.html']) {
  console.error(`sw.mjs: no index.html in ${dir}`);
  process.exit(1);
}
const version = createHash('sha256').update(JSON.stringify(assets)).digest('hex').slice(0, 16);
const worker = readFileSync(fileURLToPath(new URL('./sw-worker.js', import.meta.url)), 'utf8');
writeFileSync(join(dir, 'sw.js'), `self.KUBELAB_BUILD = ${JSON.stringify({ version, assets })};\n${worker}`);
console.log(`sw.mjs: sw.js for build ${version}, ${Object.keys(assets).length} files`);
