// Scaling a Deployment from the inspector runs kubectl scale through the console.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, newPage } from './harness.mjs';
import { LabPage, deployment } from './lab-page.mjs';

const env = useLab();

test('the + in the inspector scales the pod\'s Deployment to one more ready pod', { timeout: 180_000 }, async () => {
  const { page, context, errors } = await newPage(env.browser);
  const lab = new LabPage(page);
  await lab.open(env.server.url, { seed: 11 });
  await lab.setManifest(deployment({ name: 'hello', replicas: 3 }));
  await lab.apply();
  await lab.setSpeed(20);
  await lab.waitForReadyPods('hello-', 3);

  const [first] = await lab.podNames('hello-');
  await lab.inspectPod(first);
  await page.getByTestId('inspector-scale-up-hello').click();

  await lab.waitForConsoleText('$ kubectl scale deployment/hello --replicas=4\ndeployment.apps/hello scaled');
  await lab.waitForReadyPods('hello-', 4);
  assert.equal(await page.getByTestId('deploy-hello').getAttribute('data-replicas'), '4');
  assert.equal(await page.getByTestId('inspector-scale-replicas-hello').innerText(), '4');
  await lab.screenshot('inspector-scale');
  assert.deepEqual(errors, []);
  await context.close();
});

test('pods fade in when they appear, and a deleted pod fades out where it stood', { timeout: 180_000 }, async () => {
  const { page, context, errors } = await newPage(env.browser);
  const lab = new LabPage(page);
  await lab.open(env.server.url, { seed: 12 });
  await lab.setManifest(deployment({ name: 'hello', replicas: 3 }));
  await lab.apply();
  await lab.setSpeed(20);
  await lab.waitForReadyPods('hello-', 3);
  const [first] = await lab.podNames('hello-');
  const animation = (sel) => page.evaluate((s) => getComputedStyle(document.querySelector(s)).animationName, sel);
  assert.equal(await animation(`[data-testid="pod-${first}"]`), 'pod-arrive');

  await lab.run(`kubectl delete pod ${first}`);
  // Gone from the API, it is drawn once more, fading, and is neither a control nor announced.
  const ghost = page.locator(`[data-ghost="${first}"]`);
  await ghost.waitFor({ state: 'attached' });
  assert.equal(await ghost.getAttribute('aria-hidden'), 'true');
  assert.equal(await ghost.getAttribute('data-testid'), null);
  assert.equal(await animation(`[data-ghost="${first}"]`), 'pod-gone');
  assert.equal(await page.locator(`[data-testid="pod-${first}"]`).count(), 0);
  // The ReplicaSet makes a replacement, and the ghost is dropped after its fade.
  await lab.waitForReadyPods('hello-', 3);
  await page.waitForFunction((n) => !document.querySelector(`[data-ghost="${n}"]`), first);
  assert.deepEqual(errors, []);
  await context.close();
});
