// A share link carries the lab (seed and journal) and the lesson step: opened in a fresh
// browser context it rebuilds the same machines and containers; a damaged link says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, newPage } from './harness.mjs';
import { LabPage } from './lab-page.mjs';

const env = useLab();

test('a share link opens the same lab and lesson step in a fresh browser context', { timeout: 240_000 }, async () => {
  const first = await newPage(env.browser);
  const lab = new LabPage(first.page);
  await lab.open(env.server.url, { seed: 5 });
  await first.page.getByTestId('lesson-picker').selectOption('03-vm-load-balancer');
  await first.page.getByTestId('lesson-start').click();
  await first.page.getByTestId('container-vm-2-proxy').waitFor();
  await first.page.getByTestId('lesson-command-0').click();
  await first.page.waitForFunction(() => document.querySelector('[data-testid="objective-lb-answers"]')?.dataset.done === 'true');
  const ids = await first.page.locator('[data-testid^="container-"]').evaluateAll((els) => els.map((e) => e.dataset.testid).sort());
  await first.page.getByTestId('share-button').click();
  const link = await first.page.getByTestId('share-link').inputValue();
  assert.match(link, /#share=[A-Za-z0-9_-]+$/);
  await first.context.close();

  // A fresh context: no localStorage, nothing but the link.
  const second = await newPage(env.browser);
  const other = new LabPage(second.page);
  await second.page.goto(link);
  await other.waitForRestored();
  await second.page.waitForFunction(() => document.querySelector('[data-testid="lesson-open"]')?.dataset.lesson === '03-vm-load-balancer');
  const again = await second.page.locator('[data-testid^="container-"]').evaluateAll((els) => els.map((e) => e.dataset.testid).sort());
  assert.deepEqual(again, ids);
  await second.page.waitForFunction(() => document.querySelector('[data-testid="objective-lb-up"]')?.dataset.done === 'true');
  assert.equal(new URL(second.page.url()).hash, '', 'the link is read once; a reload continues the saved lab');
  await other.screenshot('share-opened');
  assert.deepEqual(second.errors, []);
  await second.context.close();

  const third = await newPage(env.browser);
  await third.page.goto(`${env.server.url}#share=not-a-lab`);
  await third.page.getByTestId('notice').waitFor();
  assert.match(await third.page.getByTestId('notice').textContent(), /share link could not be opened: the link is damaged/);
  await third.page.waitForFunction(() => document.querySelector('[data-testid="node-node-1"]')?.dataset.status === 'Ready');
  assert.deepEqual(third.errors, []);
  await third.context.close();
});

test('a share link asks before it replaces a saved lab, and a damaged one keeps it', { timeout: 240_000 }, async () => {
  const { page, context, errors } = await newPage(env.browser);
  const lab = new LabPage(page);
  await lab.open(env.server.url, { seed: 9 });
  await lab.run('kubectl create deployment shared --image=nginx');
  await page.getByTestId('share-button').click();
  const link = await page.getByTestId('share-link').inputValue();
  // Work done after the link was made: the saved lab is no longer what the link holds.
  await lab.run('kubectl create deployment mine --image=nginx');
  await page.waitForFunction(() => document.querySelector('[data-testid^="pod-mine-"]'));
  await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
  await page.waitForFunction(() => (localStorage.getItem('kubelab.lab') ?? '').includes('deployment mine'));

  const reopen = async (url) => {
    await page.goto('about:blank');
    await page.goto(url);
  };
  await reopen(link);
  await page.getByTestId('share-ask').waitFor();
  assert.match(await page.getByTestId('share-ask').textContent(), /replace the lab saved in this browser \(2 commands\)/);
  await page.getByTestId('share-keep').click();
  await lab.waitForRestored();
  assert.equal(await page.getByTestId('share-ask').count(), 0);
  await page.waitForFunction(() => document.querySelector('[data-testid^="pod-mine-"]'));

  await reopen(link);
  await page.getByTestId('share-open').click();
  await lab.waitForConsoleText('Opened a shared lab');
  await page.waitForFunction(() => document.querySelector('[data-testid^="pod-shared-"]') && !document.querySelector('[data-testid^="pod-mine-"]'));

  await lab.run('kubectl create deployment mine --image=nginx');
  await page.waitForFunction(() => document.querySelector('[data-testid^="pod-mine-"]'));
  await reopen(`${env.server.url}#share=not-a-lab`);
  await page.getByTestId('notice').waitFor();
  assert.match(await page.getByTestId('notice').textContent(), /could not be opened: the link is damaged.*Your saved lab is kept/);
  await lab.waitForRestored();
  await page.waitForFunction(() => document.querySelector('[data-testid^="pod-mine-"]'));
  assert.deepEqual(errors, []);
  await context.close();
});
