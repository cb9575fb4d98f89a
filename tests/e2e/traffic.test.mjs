// A load generator against a Service: the chart shows requests per simulated second.
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { useLab, newPage } from './harness.mjs';
import { LabPage, deployment } from './lab-page.mjs';

const env = useLab();

test('a load started from the traffic panel shows ok requests per second in the chart', { timeout: 180_000 }, async () => {
  const { page, context, errors } = await newPage(env.browser);
  const lab = new LabPage(page);
  await lab.open(env.server.url, { seed: 8 });
  await lab.setManifest(deployment({ name: 'shop', replicas: 2 }));
  await lab.apply();
  await lab.run('kubectl expose deployment shop --port 80');
  await lab.setSpeed(5);
  await lab.waitForReadyPods('shop-', 2);

  await page.getByTestId('traffic-service').selectOption('shop');
  await page.getByTestId('traffic-rate').selectOption('10');
  await page.getByTestId('traffic-start').click();
  await lab.waitForConsoleText('$ lab load start shop --rps 10\nload: http://shop:80');

  await page.waitForFunction(() => Number(document.querySelector('[data-testid="traffic-chart"]')?.dataset.bars) >= 5);
  const chart = page.getByTestId('traffic-chart');
  assert.ok((await chart.locator('rect.bar-ok').count()) >= 5);
  assert.equal(await chart.locator('rect.bar-err').count(), 0, 'no errors against two ready pods');
  await page.waitForFunction(() => document.querySelector('[data-testid="traffic-rps"]')?.dataset.value === '10.0');
  assert.equal(await page.getByTestId('traffic-errors').getAttribute('data-value'), '0.0');
  assert.equal(await page.getByTestId('traffic-version-1.25').getAttribute('data-share'), '100');
  await page.getByTestId('traffic').scrollIntoViewIfNeeded();
  await lab.screenshot('traffic');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the map draws the Service, a line to each endpoint, requests travelling and each pod\'s req/s', { timeout: 180_000 }, async () => {
  const { page, context, errors } = await newPage(env.browser);
  const lab = new LabPage(page);
  await lab.open(env.server.url, { seed: 9 });
  await lab.setManifest(deployment({ name: 'shop', replicas: 2 }));
  await lab.apply();
  await lab.run('kubectl expose deployment shop --port 80');
  const svc = page.getByTestId('service-shop');
  await svc.waitFor();
  await lab.setSpeed(5);
  await lab.waitForReadyPods('shop-', 2);
  // Two ready pods: two endpoints, two lines from the Service to them.
  await page.waitForFunction(() => document.querySelector('[data-testid="service-shop"]')?.dataset.endpoints === '2');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="map-overlay"] line.svc-link[data-service="shop"]').length === 2);
  const linked = await page.locator('[data-testid="map-overlay"] line.svc-link').evaluateAll((ls) => ls.map((l) => l.dataset.pod).sort());
  assert.ok(linked.every((p) => p.startsWith('shop-')), JSON.stringify(linked));

  await lab.run('lab load start shop --rps 10');
  // Requests cross the map as dots; every pod shows its share of the rate.
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="map-overlay"]')?.dataset.dots) >= 3);
  assert.equal(await page.locator('[data-testid="map-overlay"] .dot.failed').count(), 0);
  await page.waitForFunction(() => {
    const r = [...document.querySelectorAll('[data-testid^="rps-shop-"]')].map((t) => parseFloat(t.textContent));
    return r.length === 2 && Math.abs(r[0] + r[1] - 10) < 1.5;
  });
  await lab.screenshot('map-traffic');

  // Scaled to zero: no endpoints, and the requests fail at the Service.
  await lab.run('kubectl scale deployment shop --replicas=0');
  await page.waitForFunction(() => document.querySelector('[data-testid="service-shop"]')?.dataset.endpoints === '0');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="map-overlay"] .dot.failed').length > 0);
  assert.match(await svc.textContent(), /no endpoints/);
  // The Service opens in the inspector, with kubectl describe.
  await svc.click();
  await page.getByTestId('inspector').getByText(/Name:\s+shop/).first().waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('a request to a three-tier app travels on: frontend, the app Service, a backend, the redis Service, redis-0', { timeout: 180_000 }, async () => {
  const { page, context, errors } = await newPage(env.browser);
  const lab = new LabPage(page);
  await lab.open(env.server.url, { seed: 10 });
  await lab.setManifest(readFileSync(new URL('../scenarios/three-tier/app.yaml', import.meta.url), 'utf8'));
  await lab.apply();
  await lab.setSpeed(20);
  await page.waitForFunction(() => document.querySelector('[data-testid="pod-redis-0"]')?.dataset.ready === 'true'
    && document.querySelectorAll('[data-testid^="pod-backend-"][data-ready="true"]').length === 2
    && document.querySelectorAll('[data-testid^="pod-frontend-"][data-ready="true"]').length >= 1, null, { timeout: 120_000 });
  // Redis's volume claim is drawn on its pod, bound, and said in its name for screen readers.
  const claim = page.getByTestId('claim-redis-0-redis-data');
  assert.equal(await claim.getAttribute('data-phase'), 'Bound');
  assert.match(await claim.textContent(), /^redis-data · Bound$/);
  assert.match(await page.getByTestId('pod-redis-0').getAttribute('aria-label'), /volume claim redis-data Bound 10Gi/);
  await lab.setSpeed(1);
  await lab.run('lab load start http://nginx/users/7 --rps 10');
  // client → nginx Service → frontend pod → app Service → backend pod → redis Service → redis-0:
  // six legs, and dots are seen on the later ones.
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="map-overlay"] .dot.ok')].some((d) => d.dataset.legs === '6' && Number(d.dataset.leg) >= 4));
  assert.equal(await page.locator('[data-testid="map-overlay"] .dot.failed').count(), 0);
  await lab.screenshot('three-tier-traffic');
  assert.deepEqual(errors, []);
  await context.close();
});
