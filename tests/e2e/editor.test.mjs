// The editor stays a plain, dependable textarea while the cluster re-renders around it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, newPage } from './harness.mjs';
import { LabPage, deployment } from './lab-page.mjs';

const env = useLab();

test('typing mid-text while the clock ticks keeps the caret where it was', { timeout: 120_000 }, async () => {
  const { page, context, errors } = await newPage(env.browser);
  const lab = new LabPage(page);
  await lab.open(env.server.url, { seed: 3 });

  const before = await lab.simMillis();
  await lab.selectText('name: web', 'name: '.length);
  // Slower than the 100 ms tick, so the page re-renders between keystrokes.
  await page.keyboard.type('shop', { delay: 150 });
  await page.waitForFunction((t) => Number(document.querySelector('[data-testid="sim-clock"]').dataset.ms) > t, before);

  const text = await lab.editor.inputValue();
  assert.match(text, /^  name: shop$/m, text);
  await page.keyboard.press('Control+Enter');
  await lab.output.getByText('deployment.apps/shop created').waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('choosing a problem selects its line in the editor', { timeout: 120_000 }, async () => {
  const { page, context, errors } = await newPage(env.browser);
  const lab = new LabPage(page);
  await lab.open(env.server.url, { seed: 3 });

  await lab.setManifest(deployment({ name: 'typo', replicasKey: 'replcas' }));
  await lab.apply();
  await lab.problems.getByRole('button', { name: /^line 6:/ }).click();

  const selected = await lab.editor.evaluate((t) => t.value.slice(t.selectionStart, t.selectionEnd));
  assert.equal(selected, '  replcas: 3');
  assert.ok(await lab.editor.evaluate((t) => document.activeElement === t), 'the editor has focus, ready to fix the line');
  assert.deepEqual(errors, []);
  await context.close();
});
