// The console runs kubectl as the headless runner does and prints what kubectl prints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, newPage } from './harness.mjs';
import { LabPage, WORKERS, lastCommandNumber } from './lab-page.mjs';

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

test('a full console (2,000 lines) drops its oldest lines as a command prints, and moves none of the others', { timeout: 120_000 }, async () => {
  // A long session fills the transcript; from then on each command pushes the oldest lines
  // out. The lines still shown must stay as they are (a learner may be selecting one to
  // copy); the page used to rewrite every line's text in place, one command along. And
  // neither the count of commands shown nor the last one's text says that a command ran:
  // here neither changes, which hung the literal lesson walk for 60 s (lesson 17a, after
  // the seventeen lessons before it filled the console).
  const { page, context, errors } = await newPage(env.browser);
  const lab = new LabPage(page);
  await lab.open(env.server.url, { seed: 5 });
  // 1,100 commands of two lines each (the line and its error), every line different.
  const script = Array.from({ length: 1_100 }, (_, i) => `kubectl get thing${i}`).join('\n');
  await lab.consoleInput.evaluate((el, t) => {
    const data = new DataTransfer();
    data.setData('text', t);
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, script);
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="console-output"]').dataset.printed) === 2_200);
  const shown = () =>
    lab.consoleOutput.evaluate((out) => ({
      lines: out.children.length,
      commands: out.querySelectorAll('.cmd').length,
      last: [...out.querySelectorAll('.cmd')].pop().textContent,
      held: window.heldLine?.isConnected ? window.heldLine.textContent : '(removed)',
      at: [...out.children].indexOf(window.heldLine),
    }));
  await lab.consoleOutput.evaluate((out) => (window.heldLine = out.children[1_000]));
  const before = await shown();
  assert.deepEqual(before, { lines: 2_000, commands: 1_000, last: '$ kubectl get thing1099\n', held: '$ kubectl get thing600\n', at: 1_000 });
  const number = await page.evaluate(lastCommandNumber);

  await lab.run('kubectl get thing1099');
  assert.deepEqual(await shown(), { ...before, at: 998 }, 'the same lines and commands shown, the held line two lines up with its text');
  assert.equal(await page.evaluate(lastCommandNumber), number + 2, 'the new command line has the next number');
  assert.match((await lab.lastOutput())[0].text, /doesn't have a resource type "thing1099"/);
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
