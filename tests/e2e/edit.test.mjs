// kubectl edit in the page: the object's YAML opens in the editor, Apply saves it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, newPage } from './harness.mjs';
import { LabPage } from './lab-page.mjs';

const env = useLab();

test('kubectl edit opens the object in the editor and Apply saves the change', { timeout: 180_000 }, async () => {
  const { page, context, errors } = await newPage(env.browser);
  const lab = new LabPage(page);
  await lab.open(env.server.url, { seed: 6 });
  await lab.run('kubectl create deployment web --image=nginx:1.25 --replicas=2');
  await lab.run('kubectl edit deployment web');
  await page.getByTestId('editing').waitFor();
  const yaml = await lab.editor.inputValue();
  assert.match(yaml, /^apiVersion: apps\/v1\n/);
  assert.match(yaml, /  replicas: 2\n/);
  await lab.setManifest(yaml.replace('  replicas: 2\n', '  replicas: 4\n'));
  await lab.apply();
  await lab.waitForConsoleText('deployment.apps/web edited');
  assert.equal(await page.getByTestId('editing').count(), 0, 'saved: the editor is the editor again');
  await lab.setSpeed(20);
  await lab.waitForReadyPods('web-', 4);
  assert.deepEqual(errors, []);
  await context.close();
});
