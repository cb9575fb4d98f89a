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
