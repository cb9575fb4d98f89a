// Lesson 1 through the page: pick it, start it, run its commands with a click, watch the
// objectives tick; a reload mid-lesson keeps the step and the cluster; the second step is
// done from the console and the lesson counts as complete.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, newPage } from './harness.mjs';
import { LabPage } from './lab-page.mjs';

const env = useLab();

async function waitDone(page, id) {
  await page.waitForFunction((i) => document.querySelector(`[data-testid="objective-${i}"]`)?.dataset.done === 'true', id);
}

test('lesson 1 can be completed through the UI, and a reload keeps the step and the cluster', { timeout: 240_000 }, async () => {
  const { page, context, errors } = await newPage(env.browser);
  const lab = new LabPage(page);
  await lab.open(env.server.url, { seed: 11 });
  assert.match(await page.getByTestId('lessons-progress').textContent(), /^0 of \d+ done$/);
  await page.getByTestId('lesson-picker').selectOption('01-vm-one-app');
  await page.getByTestId('lesson-start').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="lesson-open"]')?.dataset.step === '0');
  await page.getByTestId('machine-vm-1').waitFor();
  assert.equal(await page.getByTestId('objective-app-running').getAttribute('data-done'), 'false');

  // The step's click-to-run commands: log in to vm-1, then start the app there.
  await page.getByTestId('lesson-command-0').click();
  await lab.waitForConsoleText('Welcome to vm-1');
  assert.equal((await page.getByTestId('prompt-sign').textContent()).trim(), 'root@vm-1:~#');
  await page.getByTestId('lesson-command-1').click();
  await waitDone(page, 'app-running');
  await waitDone(page, 'app-answers');
  await page.getByTestId('step-complete').waitFor();
  await page.getByTestId('lesson-hint').click();
  assert.match(await page.getByTestId('lesson-hints').textContent(), /publishes the container/);
  await page.getByTestId('lesson-next').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="lesson-open"]')?.dataset.step === '1');
  await lab.screenshot('lesson-step-2');

  await page.reload();
  await lab.waitForRestored();
  await page.waitForFunction(() => document.querySelector('[data-testid="lesson-open"]')?.dataset.step === '1');
  assert.equal(await page.getByTestId('container-vm-1-app').getAttribute('data-status'), 'Up', 'the cluster came back with the lesson');
  assert.equal(await page.getByTestId('objective-app-gone').getAttribute('data-done'), 'false');

  // Reset the step: the lab as step 2 starts (setup, then step 1's solution).
  await lab.run('lab on vm-1 docker stop app');
  await waitDone(page, 'app-gone');
  await page.getByTestId('lesson-reset-step').click();
  await lab.waitForConsoleText('Resetting to the start of step 2');
  await page.waitForFunction(() => document.querySelector('[data-testid="container-vm-1-app"]')?.dataset.status === 'Up');
  assert.equal(await page.getByTestId('objective-app-gone').getAttribute('data-done'), 'false');

  await lab.run('lab on vm-1 docker stop app');
  await waitDone(page, 'app-gone');
  await waitDone(page, 'container-removed');
  await page.getByTestId('lesson-complete').waitFor();
  assert.match(await page.getByTestId('lessons-progress').textContent(), /^1 of \d+ done$/);
  await page.getByTestId('lesson-show-solution').click();
  assert.match(await page.getByTestId('lesson-solution').textContent(), /docker stop app/);
  await lab.screenshot('lesson-complete');

  // The lesson's end offers the next one; the lab has work, so the page asks before the reset.
  assert.match(await page.getByTestId('lesson-next-lesson').textContent(), /^Next lesson → /);
  await page.getByTestId('lesson-next-lesson').click();
  assert.match(await page.getByTestId('confirm-reset').textContent(), /resets the lab/);
  await page.getByTestId('confirm-reset-no').click();
  assert.equal(await page.getByTestId('confirm-reset').count(), 0);
  assert.equal(await page.getByTestId('lesson-open').getAttribute('data-lesson'), '01-vm-one-app', 'kept: the lab and the lesson');
  // The picker asks too, and "Keep my lab" leaves the open lesson where it was.
  await page.getByTestId('lesson-picker').selectOption('03-vm-load-balancer');
  await page.getByTestId('confirm-reset').waitFor();
  await page.getByTestId('confirm-reset-no').click();
  assert.equal(await page.getByTestId('lesson-picker').inputValue(), '01-vm-one-app');
  assert.equal(await page.getByTestId('lesson-open').getAttribute('data-step'), '1');
  await page.getByTestId('lesson-next-lesson').click();
  await page.getByTestId('confirm-reset-yes').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="lesson-open"]')?.dataset.lesson === '02-vm-reverse-proxy');
  assert.equal(await page.getByTestId('lesson-open').getAttribute('data-step'), '0');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the lessons arrive after the page starts; one that cannot be fetched is said in the panel, and the lab works', { timeout: 120_000 }, async () => {
  const { page, context, errors } = await newPage(env.browser);
  const lab = new LabPage(page);
  // The lessons file held back: the panel says it is loading, and the cluster is already there.
  let release;
  const held = new Promise((r) => { release = r; });
  await page.route(/\/lessons\.json\?v=[0-9a-f]{16}$/, async (route) => { await held; await route.fulfill({ status: 404, body: 'gone' }); });
  await lab.open(env.server.url, { seed: 3 });
  await page.getByTestId('lessons-loading').waitFor();
  assert.equal(await page.getByTestId('lesson-picker').count(), 0);
  release();
  await page.getByTestId('lessons-error').waitFor();
  assert.match(await page.getByTestId('lessons-error').textContent(), /^The lessons could not be loaded \(lessons\.json\?v=[0-9a-f]{16}: HTTP 404\)\. The lab works without them: reload the page to try again\.$/);
  await lab.run('kubectl get nodes');
  await lab.waitForConsoleText('node-3');
  assert.deepEqual(errors.filter((e) => !e.includes('404')), []);
  await context.close();
});
