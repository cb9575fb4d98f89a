// kubelab's service worker (tools/sw.mjs puts this build's file list above this line).
// After a first visit, every file of the lab comes from this build's cache: the page opens
// and works with the network gone. A new build is a new sw.js: it installs beside this one
// and waits; the page shows "a new version is ready" and only the learner's click on
// Reload moves to it. Each cached file is checked against its SHA-256 before it is used: a
// corrupt or partial entry is dropped and fetched from the network again.
const { version, assets } = self.KUBELAB_BUILD;
const CACHE = `kubelab-${version}`;
const SCOPE = new URL(self.registration.scope);

const urlOf = (name) => new URL(name, SCOPE).href;
const TYPES = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', wasm: 'application/wasm', css: 'text/css; charset=utf-8', json: 'application/json', svg: 'image/svg+xml', webmanifest: 'application/manifest+json' };
const typeOf = (name) => TYPES[name.split('.').pop()] ?? 'application/octet-stream';

async function digest(body) {
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', body));
  let text = '';
  for (const b of hash) text += String.fromCharCode(b);
  return btoa(text);
}

/** The file from the network, if it is this build's (its SHA-256 matches), else null. */
async function fetchChecked(name) {
  const response = await fetch(urlOf(name), { cache: 'no-store' });
  if (!response.ok) return null;
  const body = await response.arrayBuffer();
  return (await digest(body)) === assets[name] ? body : null;
}

function respond(name, body) {
  return new Response(body, { status: 200, headers: { 'content-type': typeOf(name) } });
}

self.addEventListener('install', (event) => {
  // Every file or none: a failure (the network, a file of another build, the storage quota)
  // fails the install, and the page keeps coming from the network.
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    for (const name of Object.keys(assets)) {
      const body = await fetchChecked(name);
      if (!body) throw new Error(`kubelab sw: ${name} is not this build's`);
      await cache.put(urlOf(name), respond(name, body));
    }
  })().catch(async (e) => {
    await caches.delete(CACHE).catch(() => {});
    throw e;
  }));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith('kubelab-') && key !== CACHE) await caches.delete(key);
    }
  })());
});

self.addEventListener('message', (event) => {
  if (event.data === 'kubelab-update') self.skipWaiting();
});

/** The asset a request within the scope asks for (a page navigation asks for index.html). */
function assetFor(request) {
  if (request.method !== 'GET') return null;
  const url = new URL(request.url);
  if (url.origin !== SCOPE.origin || !url.pathname.startsWith(SCOPE.pathname)) return null;
  const name = url.pathname.slice(SCOPE.pathname.length) || 'index.html';
  return Object.hasOwn(assets, name) ? name : null;
}

async function serve(name, request) {
  try {
    const cache = await caches.open(CACHE);
    const hit = await cache.match(urlOf(name));
    if (hit) {
      const body = await hit.arrayBuffer();
      if ((await digest(body)) === assets[name]) return respond(name, body);
      await cache.delete(urlOf(name));
    }
  } catch (_) {
    // The cache cannot be read (storage cleared or unavailable): the network serves it.
  }
  const response = await fetch(request);
  if (response.ok && request.mode !== 'navigate') {
    // Repair the cache with the network's copy, if it is this build's.
    response.clone().arrayBuffer().then(async (body) => {
      if ((await digest(body)) === assets[name]) await (await caches.open(CACHE)).put(urlOf(name), respond(name, body));
    }).catch(() => {});
  }
  return response;
}

self.addEventListener('fetch', (event) => {
  const name = assetFor(event.request);
  if (name) event.respondWith(serve(name, event.request));
});
