// The console runs kubectl as the headless runner does and prints what kubectl prints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, newPage } from './harness.mjs';
import { LabPage, WORKERS } from './lab-page.mjs';

const env = useLab();

test('kubectl typed in the console prints its table, and its errors marked as stderr', { timeout: 120_000 }, async () => {
  const { page, context, errors } = await newPage(env.browser);
  const lab = new LabPage(page);
  await lab.open(env.server.url, { seed: 5 });

  await lab.run('kubectl get nodes');
  const rows = await lab.lastOutput();
  assert.deepEqual(rows[0].text.split(/\s+/), ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']);
  const names = rows.slice(1).map((r) => r.text.split(/\s+/)[0]);
  assert.deepEqual(names, ['control-plane', ...WORKERS]);
  assert.ok(rows.every((r) => !r.stderr), JSON.stringify(rows));

  await lab.run('kubectl get deploymnets');
  const err = await lab.lastOutput();
  assert.equal(err.length, 1, JSON.stringify(err));
  assert.ok(err[0].stderr, 'an error is printed on stderr');
  assert.match(err[0].text, /doesn't have a resource type "deploymnets"/);
  const marker = await lab.consoleOutput.locator('.stderr').first().evaluate((s) => getComputedStyle(s, '::before').content);
  assert.equal(marker, '"! "', 'stderr carries a marker, not only a colour');

  // Output longer than the console stays scrolled to its newest line (scrolled at the next
  // frame, not in the render's own task).
  await lab.run('kubectl api-resources');
  await page.waitForFunction(() => {
    const o = document.querySelector('[data-testid="console-output"]');
    return o.scrollHeight > o.clientHeight + 100 && o.scrollTop + o.clientHeight >= o.scrollHeight - 2;
  }, null, { timeout: 5_000 });

  // ↑ brings the last command back.
  await lab.consoleInput.press('ArrowUp');
  assert.equal(await lab.consoleInput.inputValue(), 'kubectl api-resources');
  await lab.screenshot('console');
  assert.deepEqual(errors, []);
  await context.close();
});

test('Tab completes commands, types and live names in the console', { timeout: 120_000 }, async () => {
  const { page, context, errors } = await newPage(env.browser);
  const lab = new LabPage(page);
  await lab.open(env.server.url, { seed: 4 });
  await lab.run('kubectl create deployment shop --image=nginx:1.25');
  await lab.consoleInput.fill('kubectl get deploy');
  await lab.consoleInput.press('Tab');
  await page.waitForFunction(() => document.querySelector('[data-testid="console-input"]').value === 'kubectl get deployments ');
  await lab.consoleInput.pressSequentially('s');
  await lab.consoleInput.press('Tab');
  await page.waitForFunction(() => document.querySelector('[data-testid="console-input"]').value === 'kubectl get deployments shop ');
  await lab.consoleInput.fill('kubectl de');
  await lab.consoleInput.press('Tab');
  await page.getByTestId('completions').waitFor();
  assert.equal(await page.getByTestId('completions').textContent(), 'delete  describe');
  assert.equal(await lab.consoleInput.inputValue(), 'kubectl de');
  assert.deepEqual(errors, []);
  await context.close();
});

test('kubectl get pods -w streams changes as the clock runs, until Ctrl-C', { timeout: 120_000 }, async () => {
  const { page, context, errors } = await newPage(env.browser);
  const lab = new LabPage(page);
  await lab.open(env.server.url, { seed: 9 });
  await lab.run('kubectl get pods -w');
  await lab.waitForConsoleText('No resources found in default namespace.');
  await lab.run('kubectl create deployment live --image=nginx:1.25 --replicas=2');
  await lab.setSpeed(5);
  // Rows for the new pods appear on their own: Pending or ContainerCreating, then Running.
  await page.waitForFunction(() => /live-[a-z0-9]+-[a-z0-9]+\s+1\/1\s+Running/.test(document.querySelector('[data-testid="console-output"]').textContent));
  await lab.consoleInput.focus();
  await lab.consoleInput.press('Control+c');
  await lab.waitForConsoleText('^C');
  const after = await lab.consoleOutput.textContent();
  await lab.run('kubectl scale deployment live --replicas=3');
  await page.waitForTimeout(1500);
  const tail = (await lab.consoleOutput.textContent()).slice(after.length);
  assert.ok(!/live-\S+\s+0\/1/.test(tail), `no rows after Ctrl-C: ${tail}`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('kubectl explain answers from the schema the page fetches after it starts', { timeout: 120_000 }, async () => {
  const { page, context, errors } = await newPage(env.browser);
  const lab = new LabPage(page);
  // The schema is not in the wasm: the page fetches explain-v1.31.json once it runs.
  const fetched = page.waitForResponse((r) => r.url().endsWith('/explain-v1.31.json'));
  await lab.open(env.server.url, { seed: 6 });
  assert.equal((await fetched).status(), 200);
  // Its body may still be on its way: until it is parsed, explain says so.
  const rows = await lab.explainOnceLoaded('deployment.spec.replicas');
  assert.deepEqual(rows.slice(0, 4), ['GROUP:      apps', 'KIND:       Deployment', 'VERSION:    v1', ''], JSON.stringify(rows));
  assert.equal(rows[4], 'FIELD: replicas <integer>');
  assert.ok(rows.some((r) => r.includes('Number of desired pods.')), JSON.stringify(rows));
  assert.deepEqual(errors, []);
  await context.close();
});

test('the keyboard is never trapped: a skip link reaches the console, and Tab leaves an empty one', { timeout: 120_000 }, async () => {
  const { page, context, errors } = await newPage(env.browser);
  const lab = new LabPage(page);
  await lab.open(env.server.url, { seed: 4 });
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'skip-link', 'the first Tab stop');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'console-input');
  await page.keyboard.press('Tab');
  assert.notEqual(await page.evaluate(() => document.activeElement?.dataset.testid), 'console-input', 'Tab in an empty console moves on');
  // With text, Tab still completes.
  await lab.consoleInput.fill('kubectl get depl');
  await lab.consoleInput.press('Tab');
  await page.waitForFunction(() => document.querySelector('[data-testid="console-input"]').value === 'kubectl get deployments ');
  assert.deepEqual(errors, []);
  await context.close();
});
