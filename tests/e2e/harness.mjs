// What every spec needs: the built site (dist/) on a private port and Debian's Chromium.
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { before, after } from 'node:test';

export const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
export const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm', // instantiateStreaming insists on it
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
};

/**
 * Serves `root` on 127.0.0.1 at a free port; resolves to { url, close, hits }.
 * - `prefix` ('/kubelab/'): the site lives under that path, as GitHub Pages serves a project;
 *   anything outside it is a 404.
 * - `gzip`: as a static host serves precompressed files, NAME.gz (written by
 *   tools/compress.mjs; compressed here at level 9 when absent) with Content-Encoding gzip to a
 *   browser that accepts it.
 * `hits` counts the requests per path, `swap('/index.html', body)` serves `body` for a file (a new
 * build's file) from then on (null: a 404), and `setDown(true)` drops every connection (the network gone).
 */
export async function serveStatic(root = DIST, { prefix = '/', gzip = false } = {}) {
  const hits = new Map();
  const swapped = new Map();
  let down = false;
  const server = http.createServer(async (req, res) => {
    if (down) {
      req.socket.destroy(); // as if the network were gone
      return;
    }
    const full = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    hits.set(full, (hits.get(full) ?? 0) + 1);
    if (!full.startsWith(prefix)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${full}`);
      return;
    }
    const path = `/${full.slice(prefix.length)}`;
    const key = path.endsWith('/') ? `${path}index.html` : path;
    const file = normalize(join(root, key));
    if (!file.startsWith(normalize(root + sep))) {
      res.writeHead(403).end();
      return;
    }
    try {
      if (swapped.get(key) === null) throw new Error('removed');
      let body = swapped.get(key) ?? (await readFile(file));
      const headers = { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' };
      if (gzip && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) {
        body = swapped.has(key) ? gzipSync(body, { level: 9 }) : await readFile(`${file}.gz`).catch(() => gzipSync(body, { level: 9 }));
        headers['content-encoding'] = 'gzip';
        headers.vary = 'accept-encoding';
      }
      res.writeHead(200, headers);
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${path}`);
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    hits,
    swap: (path, body) => swapped.set(path, body),
    setDown: (value) => { down = value; if (value) server.closeAllConnections?.(); },
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(resolve); }),
  };
}

export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/** A fresh context (no cache: every load is a cold load) at projector-ish size; `options` are
 * the context's (e.g. `{ serviceWorkers: 'block' }`, or `{ viewport: { width, height } }`). */
export async function newPage(browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, ...options });
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
  });
  return { page, context, errors };
}

/** One static server and one Chromium per spec file, closed when its tests end. */
export function useLab() {
  const env = { server: undefined, browser: undefined };
  before(async () => {
    env.server = await serveStatic();
    env.browser = await launchChromium();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.close();
  });
  return env;
}
