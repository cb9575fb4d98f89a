// A newcomer applies a Deployment and watches its pods become Ready on the workers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, newPage } from './harness.mjs';
import { LabPage, WORKERS, deployment } from './lab-page.mjs';

const env = useLab();

test('applied deployment runs three ready pods on worker nodes', { timeout: 180_000 }, async () => {
  const { page, context, errors } = await newPage(env.browser);
  const lab = new LabPage(page);

  const coldLoadMs = await lab.open(env.server.url, { seed: 42 });
  // A benchmark to watch over time, never asserted.
  console.log(`cold load to cluster drawn with 3 Ready worker nodes: ${Math.round(coldLoadMs)} ms`);

  await lab.setManifest(deployment({ name: 'hello', replicas: 3 }));
  await lab.apply();
  await assert.doesNotReject(lab.output.getByText('deployment.apps/hello created').waitFor());

  const appliedAt = performance.now();
  await lab.waitForReadyPods('hello-', 3);
  console.log(`pods Ready ${Math.round(performance.now() - appliedAt)} ms (wall) after Apply; clock: ${await lab.clock.innerText()}`);

  const pods = await lab.pods('hello-');
  assert.equal(pods.length, 3, JSON.stringify(pods));
  for (const p of pods) {
    assert.equal(p.status, 'Ready', JSON.stringify(p));
    assert.ok(WORKERS.includes(p.node), `${p.name} is on a worker, not ${p.node}`);
  }
  await lab.screenshot('apply-deployment');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the events feed shows each pod scheduled, newest first, and opens the pod in the inspector', { timeout: 180_000 }, async () => {
  const { page, context, errors } = await newPage(env.browser);
  const lab = new LabPage(page);
  await lab.open(env.server.url, { seed: 42 });
  await lab.setManifest(deployment({ name: 'hello', replicas: 2 }));
  await lab.apply();
  await lab.waitForReadyPods('hello-', 2);
  const feed = page.getByTestId('events-feed');
  const scheduled = feed.locator('li', { hasText: 'Scheduled' });
  assert.equal(await scheduled.count(), 2);
  assert.match(await scheduled.first().textContent(), /Normal\s*Scheduled\s*pod\/hello-.*Successfully assigned default\/hello-/);
  // A warning says so in words: an image that does not exist.
  await lab.run('kubectl create deployment broken --image=nginx:no-such-tag');
  await feed.locator('li.warning', { hasText: 'pod/broken-' }).first().waitFor();
  assert.match(await feed.locator('li').first().textContent(), /broken-/, 'newest first');
  await scheduled.first().locator('button').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="inspector"]')?.dataset.kind === 'pod');
  assert.deepEqual(errors, []);
  await context.close();
});
