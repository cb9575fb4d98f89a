// The timeline: drag back to see the cluster as it was (rebuilt exactly from the seed and the
// journal), then return to live.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, newPage } from './harness.mjs';
import { LabPage } from './lab-page.mjs';

const env = useLab();

const podCount = (page) => page.evaluate(() => document.querySelectorAll('[data-testid^="pod-web-"]').length);

test('dragging the timeline back shows the cluster as it was, and Back to live returns', { timeout: 180_000 }, async () => {
  const { page, context, errors } = await newPage(env.browser);
  const lab = new LabPage(page);
  await lab.open(env.server.url, { seed: 12 });
  await lab.apply(); // the sample: web, 3 replicas
  await lab.setSpeed(20);
  await lab.waitForReadyPods('web-', 3);
  const readyAt = await lab.simMillis();
  await page.waitForFunction((t) => Number(document.querySelector('[data-testid="sim-clock"]').dataset.ms) > t + 5_000, readyAt);
  // A whole second (the slider's step) when the three pods were Ready, before the scale.
  const threeReadyAt = Math.ceil(readyAt / 1000) * 1000 + 1000;
  await lab.run('kubectl scale deployment web --replicas=1');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid^="pod-web-"]').length === 1);
  await page.waitForFunction((t) => Number(document.querySelector('[data-testid="sim-clock"]').dataset.ms) > t + 20_000, threeReadyAt);

  // The marks: one per command that changed the cluster.
  assert.equal(await page.locator('[data-testid="timeline"] .mark').count(), 2);
  const slider = page.getByTestId('timeline-slider');
  await slider.evaluate((s, t) => { s.value = String(t); s.dispatchEvent(new Event('input', { bubbles: true })); }, threeReadyAt);
  await page.waitForFunction(() => document.querySelector('[data-testid="timeline-label"]')?.textContent.includes('Looking back'));
  await page.waitForFunction(() => document.querySelectorAll('[data-testid^="pod-web-"][data-ready="true"]').length === 3);
  assert.equal(await page.getByTestId('pause-button').textContent(), 'Play', 'the live clock waits meanwhile');
  const past = await lab.simMillis();
  assert.equal(past, threeReadyAt, 'the clock shows the moment looked at');
  await lab.screenshot('timeline-past');

  await page.getByTestId('timeline-live').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid^="pod-web-"]').length === 1);
  assert.equal(await page.getByTestId('timeline-live').count(), 0);
  assert.ok((await lab.simMillis()) > past + 20_000);
  // A command while looking back acts on the live cluster and ends the look back.
  await slider.evaluate((s, t) => { s.value = String(t); s.dispatchEvent(new Event('input', { bubbles: true })); }, threeReadyAt);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid^="pod-web-"]').length === 3);
  await lab.run('kubectl get deploy web');
  assert.match((await lab.lastOutput()).map((r) => r.text).join('\n'), /web\s+1\/1/);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid^="pod-web-"]').length === 1);
  assert.deepEqual(errors, []);
  await context.close();
});
