// The workshop's two traffic stories in the page: a rolling update with no failed request,
// and a canary taking its share of the traffic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, newPage } from './harness.mjs';
import { LabPage } from './lab-page.mjs';

const env = useLab();

const share = (page, tag) => page.evaluate((t) => Number(document.querySelector(`[data-testid="traffic-version-${t}"]`)?.dataset.share ?? -1), tag);
const totals = (page) => page.getByTestId('traffic-totals').textContent();

// maxUnavailable 0 and a readiness probe: a new pod takes traffic only once it answers, and
// an old one leaves only after a new one is Ready (Deployment docs, "Rolling Update Deployment").
const SHOP = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
spec:
  replicas: 3
  strategy:
    rollingUpdate:
      maxSurge: 1
      maxUnavailable: 0
  selector:
    matchLabels:
      app: shop
  template:
    metadata:
      labels:
        app: shop
    spec:
      containers:
      - name: web
        image: nginx:1.25
        readinessProbe:
          tcpSocket:
            port: 80
          periodSeconds: 2
`;

test('a rolling update with maxUnavailable 0 and readiness probes: two versions answer, no request fails', { timeout: 240_000 }, async () => {
  const { page, context, errors } = await newPage(env.browser);
  const lab = new LabPage(page);
  await lab.open(env.server.url, { seed: 21 });
  await lab.setManifest(SHOP);
  await lab.apply();
  await lab.run('kubectl expose deployment shop --port 80');
  await lab.setSpeed(5);
  await lab.waitForReadyPods('shop-', 3);
  await lab.run('lab load start shop --rps 10 --no-keepalive');
  await page.waitForFunction(() => /^[1-9]\d* ok/.test(document.querySelector('[data-testid="traffic-totals"]')?.textContent ?? ''));
  await lab.run('kubectl set image deployment/shop web=nginx:1.26');
  // Both versions answer while it rolls; at the end only 1.26 pods are left.
  await page.waitForFunction(() => document.querySelector('[data-testid="traffic-version-1.26"]'));
  // The chart draws a line per version: while it rolls, both answer within the same minute.
  await page.waitForFunction(() => document.querySelector('[data-testid="traffic-line-1.25"]') && document.querySelector('[data-testid="traffic-line-1.26"]'));
  await page.waitForFunction(() => {
    const pods = [...document.querySelectorAll('[data-testid^="pod-shop-"]')];
    return pods.length === 3 && pods.every((p) => p.dataset.ready === 'true' && p.dataset.status === 'Ready');
  }, null, { timeout: 120_000 });
  await lab.run('kubectl rollout status deployment/shop');
  assert.match((await lab.lastOutput()).map((r) => r.text).join('\n'), /successfully rolled out/);
  assert.ok((await share(page, '1.25')) > 0 && (await share(page, '1.26')) > 0);
  assert.match(await totals(page), /, 0 errors since the load started/, 'not one request failed');
  assert.equal(await page.locator('[data-testid="traffic-chart"] rect.bar-err').count(), 0);
  // Once rolled out, the new version takes the whole rate and the old one none
  // (the rate is over the last 5 simulated seconds).
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="traffic-line-1.25"]')?.dataset.value ?? 0) === 0);
  const rate = async (id) => Number(await page.getByTestId(id).getAttribute('data-value'));
  assert.ok((await rate('traffic-line-1.26')) >= 8, `1.26 answers the load: ${await rate('traffic-line-1.26')} req/s`);
  assert.match(await page.getByTestId('traffic-line-1.26').locator('text').textContent(), /^1\.26 \d+\.\d\/s$/);
  // Latency is drawn too: a median and a 95th percentile, in ms.
  assert.ok((await rate('traffic-latency-p95')) >= (await rate('traffic-latency-p50')));
  assert.match(await page.getByTestId('traffic-latency-p95').locator('text').textContent(), /^p95 \d+ ms$/);
  await page.getByTestId('traffic').scrollIntoViewIfNeeded();
  await lab.screenshot('rolling-update');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a canary behind the same Service takes about its share of the requests', { timeout: 240_000 }, async () => {
  const { page, context, errors } = await newPage(env.browser);
  const lab = new LabPage(page);
  await lab.open(env.server.url, { seed: 22 });
  const track = (name, replicas, image) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: shop
      track: ${name}
  template:
    metadata:
      labels:
        app: shop
        track: ${name}
    spec:
      containers:
      - name: web
        image: ${image}
`;
  await lab.setManifest(`${track('stable', 3, 'nginx:1.25')}---\n${track('canary', 1, 'nginx:1.26')}`);
  await lab.apply();
  await lab.run('kubectl create service clusterip shop --tcp=80:80');
  await lab.setSpeed(20);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid^="pod-stable-"][data-ready="true"], [data-testid^="pod-canary-"][data-ready="true"]').length === 4);
  // One request per connection, so each picks an endpoint afresh: 1 of 4 pods is the canary.
  await lab.run('lab load start shop --rps 20 --no-keepalive');
  await page.waitForFunction(() => Number(/^(\d+) ok/.exec(document.querySelector('[data-testid="traffic-totals"]')?.textContent ?? '')?.[1] ?? 0) >= 400, null, { timeout: 120_000 });
  const canary = await share(page, '1.26');
  const stable = await share(page, '1.25');
  assert.ok(canary >= 12 && canary <= 38, `canary share ${canary}% (expected about 25%)`);
  assert.equal(canary + stable, 100);
  // The split is visible as it happens too: each version's line and its rate now.
  const now = (t) => page.evaluate((t) => Number(document.querySelector(`[data-testid="traffic-version-${t}"]`)?.dataset.rps ?? -1), t);
  const [canaryRate, stableRate] = [await now('1.26'), await now('1.25')];
  assert.ok(canaryRate > 0 && stableRate > canaryRate, `now: canary ${canaryRate}/s, stable ${stableRate}/s`);
  assert.equal(await page.getByTestId('traffic-line-1.26').getAttribute('data-value'), canaryRate.toFixed(1));
  // The Service's endpoints are the four pods of both tracks.
  assert.equal(await page.getByTestId('service-shop').getAttribute('data-endpoints'), '4');
  await lab.screenshot('canary');
  assert.deepEqual(errors, []);
  await context.close();
});
