// The built dist/ works from a sub-path (https://host/kubelab/, as GitHub Pages serves a
// project) as well as from the root (every other spec): trunk writes relative URLs
// (Trunk.toml public_url = "./") and the page fetches its explain data relative to itself.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveStatic, launchChromium, newPage } from './harness.mjs';
import { LabPage } from './lab-page.mjs';

const env = {};
before(async () => {
  env.server = await serveStatic(undefined, { prefix: '/kubelab/', gzip: true });
  env.browser = await launchChromium();
});
after(async () => {
  await env.browser?.close();
  await env.server?.close();
});

test('served under /kubelab/, the lab opens, runs, and explains from its own folder', { timeout: 120_000 }, async () => {
  const { page, context, errors } = await newPage(env.browser);
  const outside = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.protocol.startsWith('http') && !u.pathname.startsWith('/kubelab/')) outside.push(u.pathname);
  });
  const lab = new LabPage(page);
  const fetched = page.waitForResponse((r) => r.url().endsWith('/explain-v1.31.json'));
  await lab.open(env.server.url, { seed: 3 });
  assert.match(page.url(), /\/kubelab\/\?seed=3$/);
  const explain = await fetched;
  assert.equal(new URL(explain.url()).pathname, '/kubelab/explain-v1.31.json');
  assert.equal(explain.status(), 200);
  await lab.run('kubectl get nodes');
  await lab.waitForConsoleText('node-3');
  const rows = await lab.explainOnceLoaded('deployment.spec.replicas');
  assert.equal(rows[4], 'FIELD: replicas <integer>', JSON.stringify(rows));
  assert.deepEqual(outside, [], 'nothing is fetched from outside /kubelab/');
  assert.deepEqual(errors, []);
  await context.close();
});
