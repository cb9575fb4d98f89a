// The control plane's parts light up when they act: an apply goes through the API server
// into etcd, the scheduler binds the pods, the controller manager creates them, the
// kubelets start them; then they go idle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, newPage } from './harness.mjs';
import { LabPage, deployment } from './lab-page.mjs';

const env = useLab();

test('control-plane components light up when they act and go idle after', { timeout: 120_000 }, async () => {
  const { page, context, errors } = await newPage(env.browser);
  const lab = new LabPage(page);
  await lab.open(env.server.url, { seed: 12 });
  const active = (id) => page.getByTestId(`cp-${id}`).getAttribute('data-active');
  await page.waitForFunction(() => document.querySelector('[data-testid="cp-scheduler"]')?.dataset.active === 'false');
  await lab.setManifest(deployment({ name: 'lit', replicas: 2 }));
  await lab.apply();
  await page.waitForFunction(() => ['api', 'etcd', 'controllers', 'scheduler'].every((id) => document.querySelector(`[data-testid="cp-${id}"]`)?.dataset.active === 'true'));
  assert.match(await page.getByTestId('cp-scheduler').textContent(), /● active/);
  await lab.waitForReadyPods('lit-', 2);
  await page.waitForFunction(() => document.querySelector('[data-testid="cp-scheduler"]')?.dataset.active === 'false', null, { timeout: 10_000 });
  assert.equal(await active('scheduler'), 'false');
  assert.deepEqual(errors, []);
  await context.close();
});
