// NetworkPolicy on the page: a dropped request stops at the pod it was dropped at, naming the
// policy that isolates that pod; the pod's inspector lists the policies that select it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, newPage } from './harness.mjs';
import { LabPage, deployment } from './lab-page.mjs';

const env = useLab();

const DENY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
spec:
  podSelector: {}
`;

test('a request a NetworkPolicy drops is marked at its pod with the policy, which the pod\'s inspector lists', { timeout: 180_000 }, async () => {
  const { page, context, errors } = await newPage(env.browser);
  const lab = new LabPage(page);
  await lab.open(env.server.url, { seed: 11 });
  await lab.setManifest(deployment({ name: 'shop', replicas: 1 }));
  await lab.apply();
  await lab.run('kubectl expose deployment shop --port 80');
  await lab.setSpeed(5);
  await lab.waitForReadyPods('shop-', 1);
  const [pod] = await lab.podNames('shop-');

  await lab.inspectPod(pod);
  const policies = page.getByTestId('inspector-policies');
  await policies.waitFor();
  assert.match(await policies.textContent(), /No NetworkPolicy selects this pod/);

  await lab.setManifest(DENY);
  await lab.apply();
  await page.locator('[data-testid="inspector-policies"] li[data-policy="default-deny"]').waitFor();
  assert.equal(await policies.textContent(), 'default-deny: isolates it for Ingress');

  await lab.run('lab load start shop --rps 4');
  // It travels to the pod and waits there, labelled, until the client gives up.
  const dropped = page.locator('[data-testid="map-overlay"] .dot.dropped[data-arrived="true"]').first();
  await dropped.waitFor({ state: 'attached' });
  assert.equal(await dropped.getAttribute('data-dropped-by'), 'default-deny');
  assert.equal(await dropped.getAttribute('data-dropped-at'), pod);
  assert.match(await dropped.locator('text').textContent(), /dropped: default-deny/);
  // The label sits above the pod's card: it does not cover the pod's name.
  // (Measured in one go in the page: the dots are redrawn every frame.)
  const placed = await page.waitForFunction((name) => {
    const label = document.querySelector('[data-testid="map-overlay"] .dot.dropped rect.label-box');
    const text = document.querySelector(`[data-testid="pod-${name}"] .pod-name`);
    if (!label || !text) return null;
    return { labelBottom: label.getBoundingClientRect().bottom, nameTop: text.getBoundingClientRect().top };
  }, pod);
  const { labelBottom, nameTop } = await placed.jsonValue();
  assert.ok(labelBottom <= nameTop + 2, `the label (bottom ${labelBottom}) ends above the pod's name (top ${nameTop})`);
  assert.equal(await page.locator('[data-testid="map-overlay"] .dot.ok').count(), 0, 'nothing gets through');
  await lab.screenshot('network-policy-dropped');
  assert.deepEqual(errors, []);
  await context.close();
});
