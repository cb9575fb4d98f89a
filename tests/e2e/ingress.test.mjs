// An Ingress on the map: drawn in front of its Services with a row per rule (host/path),
// a line from each rule to its Service, and requests travelling client → the ingress
// controller → the rule → the Service → a pod.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, newPage } from './harness.mjs';
import { LabPage } from './lab-page.mjs';

const env = useLab();

test('an Ingress and its rules are drawn, and requests pass through them', { timeout: 180_000 }, async () => {
  const { page, context, errors } = await newPage(env.browser);
  const lab = new LabPage(page);
  await lab.open(env.server.url, { seed: 11 });
  await lab.run('kubectl create deployment web --image=nginx:1.25 --replicas=2');
  await lab.run('kubectl expose deployment web --port=80');
  await lab.run('lab addons enable ingress');
  await lab.run('kubectl create ingress shop --class=nginx --rule=shop.example/*=web:80 --rule=shop.example/api=api:80');
  const ing = page.getByTestId('ingress-shop');
  await ing.waitFor();
  assert.equal(await ing.getAttribute('data-rules'), '2');
  // Each rule says where it goes and, without colour, whether that works.
  const web = page.getByTestId('ingress-rule-shop-0');
  assert.equal(await web.getAttribute('data-route'), 'shop.example/');
  assert.match(await page.getByTestId('ingress-rule-shop-1').textContent(), /api:80 ⚠ no such Service \(503\)/);
  assert.match(await ing.textContent(), /no address yet/);
  await lab.run('lab advance 60s');
  await page.waitForFunction(() => /address 172\.18\.255\.100/.test(document.querySelector('[data-testid="ingress-shop"]')?.textContent));
  await page.waitForFunction(() => document.querySelector('[data-testid="ingress-rule-shop-0"]')?.textContent.includes('web:80 ✓'));
  // A line from the rule to its Service; none for the Service that does not exist.
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="map-overlay"] line.ing-link[data-ingress="shop"][data-service="web"]').length === 1);
  assert.equal(await page.locator('[data-testid="map-overlay"] line.ing-link[data-service="api"]').count(), 0);
  // Readable by a screen reader and reachable by keyboard: Enter opens it in the inspector.
  assert.match(await ing.getAttribute('aria-label'), /rules: shop\.example\/ to web:80 ✓; shop\.example\/api \(exact\) to api:80/);
  await ing.focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('inspector').getByText(/Rules:/).first().waitFor();

  // client → controller Service → controller pod → the rule → web Service → a web pod: five legs.
  await lab.run('lab load start http://shop.example/ --rps 10');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="map-overlay"] .dot.ok')].some((d) => d.dataset.legs === '5' && Number(d.dataset.leg) >= 3), null, { timeout: 60_000 });
  assert.equal(await page.locator('[data-testid="map-overlay"] .dot.failed').count(), 0);
  await lab.screenshot('ingress-map');
  assert.deepEqual(errors, []);
  await context.close();
});
