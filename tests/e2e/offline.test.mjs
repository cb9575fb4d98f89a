// The service worker (tools/sw-worker.js, registered by static/boot.js): after a first visit
// the lab opens and works with the network gone; a new build is offered with a notice, never
// loaded by itself; a broken cache, no room to store, or no service workers at all each
// still give a working page from the network.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { DIST, serveStatic, launchChromium, newPage } from './harness.mjs';
import { LabPage } from './lab-page.mjs';

const env = {};
before(async () => { env.browser = await launchChromium(); });
after(async () => { await env.browser?.close(); });

/** A server of its own for each test (each test takes its network away or swaps its files). */
async function withServer(fn) {
  const server = await serveStatic();
  try {
    return await fn(server);
  } finally {
    await server.close();
  }
}

/** Waits until this build's worker is active, every file in its cache. */
async function workerReady(page) {
  return page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    return { scope: reg.scope, caches: await caches.keys() };
  });
}

/** Reloads and resolves to the milliseconds from navigation start to the cluster drawn and
 * the console ready for typing (as the browser benchmark's first visit). */
async function timedReload(page) {
  await page.reload({ waitUntil: 'commit' });
  const handle = await page.waitForFunction(() => {
    const drawn = ['node-1', 'node-2', 'node-3'].every((n) => document.querySelector(`[data-testid="node-${n}"]`));
    const input = document.querySelector('[data-testid="console-input"]');
    return drawn && input && !input.readOnly && performance.now();
  }, null, { polling: 'raf' });
  return handle.jsonValue();
}

async function explainWorks(lab, page) {
  const rows = await lab.explainOnceLoaded('deployment.spec.replicas');
  assert.equal(rows[4], 'FIELD: replicas <integer>', JSON.stringify(rows));
}

test('after a first visit the lab reloads and works with the network gone', { timeout: 120_000 }, () => withServer(async (server) => {
  const { page, context, errors } = await newPage(env.browser);
  const lab = new LabPage(page);
  await lab.open(server.url, { seed: 5 });
  const ready = await workerReady(page);
  assert.equal(ready.scope, server.url);
  assert.equal(ready.caches.length, 1, JSON.stringify(ready.caches));
  // Installable: Chromium reads the manifest and has no objection but this context's own
  // (a test browser's contexts are incognito).
  const cdp = await context.newCDPSession(page);
  const manifest = await cdp.send('Page.getAppManifest');
  assert.ok(manifest.url.endsWith('/manifest.webmanifest') && manifest.errors.length === 0, JSON.stringify(manifest.errors));
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  assert.deepEqual(installabilityErrors.map((e) => e.errorId).filter((id) => id !== 'in-incognito'), []);
  await cdp.detach();

  await context.setOffline(true);
  server.setDown(true);
  const times = [];
  for (let i = 0; i < 3; i++) times.push(await timedReload(page));
  console.log(`# offline reload (service worker, network gone): cluster drawn and console usable at ${times.map((t) => t.toFixed(0)).join(', ')} ms (target <= 500)`);
  assert.ok(await page.evaluate(() => !!navigator.serviceWorker.controller), 'the page is served by the worker');
  await lab.waitForRestored();
  await page.waitForFunction(() => document.querySelector('[data-testid="node-node-3"]')?.getAttribute('data-status') === 'Ready');
  await lab.run('kubectl get nodes');
  await lab.waitForConsoleText('node-3');
  await explainWorks(lab, page); // the explain data comes from the cache too
  // And the lessons, fetched after the page starts (tools/sw.mjs lists lessons.json with the build).
  await page.getByTestId('lesson-picker').waitFor();
  assert.equal(await page.locator('[data-testid="lesson-picker"] option[value="01-vm-one-app"]').count(), 1);
  assert.deepEqual(errors, []);
  await context.close();
}));

test('a new build is offered with a notice; only the learner\'s click moves to it', { timeout: 120_000 }, () => withServer(async (server) => {
  const { page, context, errors } = await newPage(env.browser);
  const lab = new LabPage(page);
  await lab.open(server.url, { seed: 8 });
  const first = await workerReady(page);
  await lab.run('kubectl get nodes');

  // A new build: index.html changed, so sw.js lists a new hash and a new version.
  const html = (await readFile(join(DIST, 'index.html'), 'utf8')).replace('<title>', '<meta name="kubelab-build" content="next" /><title>');
  assert.ok(html.includes('kubelab-build'));
  const sw = await readFile(join(DIST, 'sw.js'), 'utf8');
  const [head, ...rest] = sw.split('\n');
  const build = JSON.parse(head.replace(/^self\.KUBELAB_BUILD = /, '').replace(/;$/, ''));
  build.assets['index.html'] = createHash('sha256').update(html).digest('base64');
  build.version = `${build.version.slice(0, 12)}next`;
  server.swap('/index.html', Buffer.from(html));
  server.swap('/sw.js', Buffer.from([`self.KUBELAB_BUILD = ${JSON.stringify(build)};`, ...rest].join('\n')));

  // The next visit still opens this build (from the cache) and offers the new one.
  await page.reload();
  await lab.waitForRestored();
  const notice = page.getByTestId('update-notice');
  await notice.waitFor();
  assert.match(await notice.innerText(), /A new version of kubelab is ready/);
  const isNext = () => page.evaluate(() => !!document.querySelector('meta[name="kubelab-build"]'));
  assert.equal(await isNext(), false, 'the page on screen is still the old build');
  await page.evaluate(() => { window.stayed = true; });
  await page.waitForTimeout(1000);
  assert.equal(await page.evaluate(() => window.stayed), true, 'the page does not reload by itself');

  await page.getByTestId('update-reload').click();
  await page.waitForFunction(() => !!document.querySelector('meta[name="kubelab-build"]'));
  await lab.waitForRestored();
  const after = await page.evaluate(() => caches.keys());
  assert.deepEqual(after, [`kubelab-${build.version}`], `the old cache (${first.caches}) is removed`);
  assert.equal(await page.getByTestId('update-notice').count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
}));

test('a corrupt cache entry is fetched again; the page works', { timeout: 120_000 }, () => withServer(async (server) => {
  const { page, context, errors } = await newPage(env.browser);
  const lab = new LabPage(page);
  await lab.open(server.url, { seed: 9 });
  await workerReady(page);
  const wasm = await page.evaluate(async () => {
    const cache = await caches.open((await caches.keys())[0]);
    const key = (await cache.keys()).map((r) => r.url).find((u) => u.endsWith('.wasm'));
    const good = await (await cache.match(key)).arrayBuffer();
    // Half the file, as an interrupted write would leave it.
    await cache.put(key, new Response(good.slice(0, good.byteLength / 2), { headers: { 'content-type': 'application/wasm' } }));
    return { key, size: good.byteLength };
  });
  const before = server.hits.get(new URL(wasm.key).pathname) ?? 0;
  await page.reload();
  await lab.waitForRestored();
  await lab.run('kubectl get nodes');
  await lab.waitForConsoleText('node-3');
  assert.equal(server.hits.get(new URL(wasm.key).pathname), before + 1, 'the wasm came from the network once');
  await page.waitForFunction(async ([k, n]) => (await (await caches.match(k))?.arrayBuffer())?.byteLength === n, [wasm.key, wasm.size]);
  assert.deepEqual(errors, []);
  await context.close();
}));

test('no room to store, or no service workers: the page works from the network', { timeout: 120_000 }, () => withServer(async (server) => {
  // Storage quota exhausted: the worker cannot cache the files, so it never takes over.
  const full = await newPage(env.browser);
  const cdp = await full.context.newCDPSession(full.page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(server.url).origin, quotaSize: 1024 });
  const lab = new LabPage(full.page);
  await lab.open(server.url, { seed: 10 });
  // The page registers its worker a second after it starts; the install then fails.
  for (let i = 0; i < 100 && !server.hits.get('/sw.js'); i++) await full.page.waitForTimeout(100);
  assert.ok(server.hits.get('/sw.js'), 'the page registered its worker');
  await full.page.waitForTimeout(1500);
  assert.equal(await full.page.evaluate(async () => !!(await navigator.serviceWorker.getRegistration())?.active), false, 'the worker never became active');
  await full.page.reload();
  await lab.waitForRestored();
  await lab.run('kubectl get nodes');
  await lab.waitForConsoleText('node-3');
  assert.equal(await full.page.evaluate(() => !!navigator.serviceWorker.controller), false, 'no worker took over');
  assert.deepEqual(await full.page.evaluate(() => caches.keys()), []);
  assert.deepEqual(full.errors, []);
  await full.context.close();

  // Service workers blocked (as private browsing in some browsers).
  const blocked = await newPage(env.browser, { serviceWorkers: 'block' });
  const lab2 = new LabPage(blocked.page);
  await lab2.open(server.url, { seed: 11 });
  await blocked.page.reload();
  await lab2.waitForRestored();
  await lab2.run('kubectl get nodes');
  await lab2.waitForConsoleText('node-3');
  assert.deepEqual(blocked.errors, []);
  await blocked.context.close();
}));

test('a worker whose build the host no longer has: one reload from the network, then the new build', { timeout: 120_000 }, () => withServer(async (server) => {
  const { page, context, errors } = await newPage(env.browser);
  const lab = new LabPage(page);
  await lab.open(server.url, { seed: 12 });
  const old = await workerReady(page);
  // The browser evicted the cached wasm, and the host now serves the next build, whose wasm
  // has another name (the old one is a 404).
  const oldWasm = await page.evaluate(async (name) => {
    const cache = await caches.open(name);
    const key = (await cache.keys()).map((r) => r.url).find((u) => u.endsWith('.wasm'));
    await cache.delete(key);
    return new URL(key).pathname.slice(1);
  }, old.caches[0]);
  const newWasm = 'kubelab-web-next_bg.wasm';
  let html = (await readFile(join(DIST, 'index.html'), 'utf8')).replaceAll(oldWasm, newWasm);
  const script = /<script type="module">([\s\S]*?)<\/script>/.exec(html)[1];
  html = html.replace(/'sha256-[^']+'/, `'sha256-${createHash('sha256').update(script).digest('base64')}'`);
  const sw = await readFile(join(DIST, 'sw.js'), 'utf8');
  const [head, ...rest] = sw.split('\n');
  const build = JSON.parse(head.replace(/^self\.KUBELAB_BUILD = /, '').replace(/;$/, ''));
  build.assets[newWasm] = build.assets[oldWasm];
  delete build.assets[oldWasm];
  build.assets['index.html'] = createHash('sha256').update(html).digest('base64');
  build.version = `${build.version.slice(0, 12)}next`;
  server.swap('/index.html', Buffer.from(html));
  server.swap(`/${newWasm}`, await readFile(join(DIST, oldWasm)));
  server.swap(`/${oldWasm}`, null);
  server.swap('/sw.js', Buffer.from([`self.KUBELAB_BUILD = ${JSON.stringify(build)};`, ...rest].join('\n')));

  let navigations = 0;
  page.on('framenavigated', (f) => { if (f === page.mainFrame()) navigations++; });
  await page.reload();
  await lab.waitForRestored();
  await lab.run('kubectl get nodes');
  await lab.waitForConsoleText('node-3');
  assert.equal(navigations, 2, 'the broken start, then one reload from the network: no loop');
  assert.ok(errors.length > 0 && errors.every((e) => e.includes('WebAssembly') || e.includes('404') || e.includes('wasm')), errors.join('\n'));
  await page.waitForTimeout(1500);
  assert.equal(navigations, 2);
  await context.close();
}));
