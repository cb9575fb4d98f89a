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

test('files as tabs: a second file applies under its own name and the console reads it with -f', { timeout: 120_000 }, async () => {
  const { page, context, errors } = await newPage(env.browser);
  const lab = new LabPage(page);
  await lab.open(env.server.url, { seed: 3 });
  await page.getByTestId('new-tab').click();
  const second = page.getByTestId('tab-manifest-2.yaml');
  assert.equal(await second.getAttribute('aria-selected'), 'true');
  assert.equal(await lab.editor.inputValue(), '', 'a new file starts empty');
  await lab.setManifest(deployment({ name: 'second', replicas: 1 }));
  await lab.apply();
  await lab.output.getByText('deployment.apps/second created').waitFor();
  assert.match(await lab.output.textContent(), /\$ kubectl apply -f manifest-2\.yaml/);
  // The first tab kept its own text; the console's -f reads either file.
  await page.getByTestId('tab-manifest.yaml').click();
  assert.match(await lab.editor.inputValue(), /name: web/);
  await lab.run('kubectl apply -f manifest-2.yaml');
  assert.deepEqual((await lab.lastOutput()).map((r) => r.text), ['deployment.apps/second unchanged']);
  // Closing a tab; the last one stays.
  await page.getByTestId('close-tab-manifest-2.yaml').click();
  assert.equal(await page.getByTestId('tab-manifest-2.yaml').count(), 0);
  assert.equal(await page.getByTestId('close-tab-manifest.yaml').count(), 0, 'the only tab cannot be closed');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the text is coloured by YAML role, lines are numbered, and a problem is marked on its line', { timeout: 120_000 }, async () => {
  const { page, context, errors } = await newPage(env.browser);
  const lab = new LabPage(page);
  await lab.open(env.server.url, { seed: 3 });
  await lab.setManifest(deployment({ name: 'typo', replicasKey: 'replcas' }));
  const coloured = page.getByTestId('editor-coloured');
  // The coloured copy holds exactly the text, so it lies under the caret's characters.
  await page.waitForFunction(() => {
    const t = document.querySelector('[data-testid="yaml-editor"]').value;
    return document.querySelector('[data-testid="editor-coloured"]').textContent === `${t}\n `;
  });
  assert.deepEqual(await coloured.locator('.tok-key').evaluateAll((k) => k.slice(0, 3).map((e) => e.textContent)), ['apiVersion', 'kind', 'metadata']);
  assert.equal(await coloured.locator('.tok-num').first().textContent(), '3');
  await lab.apply();
  await lab.problems.getByRole('button', { name: /^line 6:/ }).waitFor();
  // The gutter says which line, in text (not only colour); the line itself is marked.
  assert.equal(await page.locator('.gutter .ln.problem').textContent(), '! 6');
  assert.equal(await coloured.locator('.hl-line.problem').textContent(), '  replcas: 3');
  // The coloured copy scrolls with the textarea.
  await lab.setManifest(Array.from({ length: 80 }, (_, i) => `# line ${i + 1}`).join('\n'));
  // Scroll once the coloured copy holds the 80 lines: scrolled before, it clamps to its old
  // height (a flaky failure under load).
  await page.waitForFunction(() => document.querySelector('[data-testid="editor-coloured"]').textContent.includes('# line 80'));
  await lab.editor.evaluate((t) => { t.scrollTop = 400; t.dispatchEvent(new Event('scroll')); });
  await page.waitForFunction(() => document.querySelector('[data-testid="editor-coloured"]').scrollTop === document.querySelector('[data-testid="yaml-editor"]').scrollTop);
  await lab.screenshot('editor');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the field under the cursor is explained from the Kubernetes schema', { timeout: 120_000 }, async () => {
  const { page, context, errors } = await newPage(env.browser);
  const lab = new LabPage(page);
  await lab.open(env.server.url, { seed: 3 });
  const ref = page.getByTestId('field-reference');
  for (let i = 0; i < 50; i++) {
    await lab.selectText('replicas: 3', 3);
    await page.keyboard.press('ArrowRight');
    await ref.waitFor();
    if (!(await ref.textContent()).includes('still loading')) break;
    await page.waitForTimeout(100);
  }
  assert.match(await ref.locator('summary').textContent(), /kubectl explain deployment\.spec\.replicas/);
  assert.match(await ref.locator('pre').textContent(), /FIELD: replicas <integer>/);
  await lab.selectText('image: nginx', 2);
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction(() => document.querySelector('[data-testid="field-reference"] summary')?.textContent.includes('containers.image'));
  assert.deepEqual(errors, []);
  await context.close();
});
