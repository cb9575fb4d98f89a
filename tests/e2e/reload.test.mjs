// The lab is saved in the browser: a reload replays its journal into the same cluster.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, newPage } from './harness.mjs';
import { LabPage, deployment } from './lab-page.mjs';

const env = useLab();

test('after a reload the same pods (by name) and the editor text are back', { timeout: 180_000 }, async () => {
  const { page, context, errors } = await newPage(env.browser);
  const lab = new LabPage(page);
  await lab.open(env.server.url, { seed: 42 });
  await lab.setManifest(deployment({ name: 'keep', replicas: 3 }));
  await lab.apply();
  await lab.run('kubectl scale deployment keep --replicas=4');
  await lab.setSpeed(20);
  await lab.waitForReadyPods('keep-', 4);
  const before = await lab.podNames('keep-');
  const clockBefore = await lab.simMillis();

  await page.reload();
  await lab.waitForRestored();
  const restored = await lab.consoleOutput.locator('.info').last().innerText();
  console.log(`reload: ${restored}`);
  assert.deepEqual(await lab.podNames('keep-'), before);
  assert.ok((await lab.simMillis()) >= clockBefore, 'the clock carries on from where it was');
  assert.match(await lab.editor.inputValue(), /name: keep/);
  assert.equal(await page.getByTestId('speed-20').getAttribute('aria-pressed'), 'true', 'the speed is remembered');
  await lab.consoleInput.press('ArrowUp');
  assert.equal(await lab.consoleInput.inputValue(), 'kubectl scale deployment keep --replicas=4', 'the console history is kept');
  assert.equal(await page.getByTestId('notice').count(), 0);
  await lab.screenshot('reload-restored');
  assert.deepEqual(errors, []);
  await context.close();
});
