// Presenter mode: large type and a clean view; a demo script stepped through with the
// keyboard (N) runs one command at a time; K powers a node off; a checkpoint takes the
// demo back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, newPage } from './harness.mjs';
import { LabPage } from './lab-page.mjs';

const env = useLab();

test('presenter mode steps through a demo script with the keyboard and rewinds to a checkpoint', { timeout: 240_000 }, async () => {
  const { page, context, errors } = await newPage(env.browser);
  const lab = new LabPage(page);
  await page.goto(`${env.server.url}?seed=21&present`);
  await page.waitForFunction(() => document.querySelector('[data-testid="node-node-1"]')?.dataset.status === 'Ready');
  assert.equal(await page.getByTestId('app').getAttribute('data-presenter'), 'true');
  assert.equal(await page.getByTestId('yaml-editor').count(), 0, 'the clean view hides the editor');
  await page.getByTestId('demo-script').fill('kubectl create deployment web --image=nginx:1.25 --replicas=3\nlab advance 20s\nkubectl scale deployment web --replicas=5\n');
  assert.equal(await page.getByTestId('demo-step-0').getAttribute('data-state'), 'next');

  await page.getByTestId('cluster-map').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('n');
  await lab.waitForConsoleText('deployment.apps/web created');
  await page.keyboard.press('n');
  await lab.waitForReadyPods('web-', 3);
  await page.getByTestId('checkpoint-save').click();
  await page.locator('body').click({ position: { x: 2, y: 2 } });
  await page.keyboard.press('PageDown');
  await lab.waitForConsoleText('deployment.apps/web scaled');
  assert.equal(await page.getByTestId('demo-step-2').getAttribute('data-state'), 'ran');
  await page.keyboard.press('k');
  await page.waitForFunction(() => document.querySelector('[data-testid="node-node-2"]')?.dataset.power === 'off');
  await lab.screenshot('presenter');

  await page.keyboard.press('b');
  await lab.waitForConsoleText('Back to the checkpoint');
  await page.waitForFunction(() => document.querySelector('[data-testid="node-node-2"]')?.dataset.power === 'on');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid^="pod-web-"]').length === 3);

  await page.getByTestId('presenter-toggle').click();
  assert.equal(await page.getByTestId('app').getAttribute('data-presenter'), 'false');
  assert.equal(await page.getByTestId('yaml-editor').count(), 1);
  assert.deepEqual(errors, []);
  await context.close();
});
