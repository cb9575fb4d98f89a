// A large paste (2 MB) into the editor: shown plain, without colours, and the page answers
// at once; Apply takes it without hanging the tab.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, newPage } from './harness.mjs';
import { LabPage } from './lab-page.mjs';

const env = useLab();

/** ConfigMaps of about 1 KB each, `bytes` in all; resolves to [text, count]. */
function configMaps(bytes) {
  let text = '';
  let i = 0;
  for (; text.length < bytes; i++) {
    text += `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n  key: "${'x'.repeat(1000)}"\n---\n`;
  }
  return [text, i];
}

test('a 2 MB paste is edited plain and applied without hanging the tab', { timeout: 240_000 }, async () => {
  const { page, context, errors } = await newPage(env.browser);
  const lab = new LabPage(page);
  await lab.open(env.server.url, { seed: 3 });
  await page.evaluate(() => {
    window.__longest = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longest = Math.max(window.__longest, e.duration);
    }).observe({ type: 'longtask', buffered: false });
  });
  const [text, count] = configMaps(2 * 1024 * 1024);
  const started = Date.now();
  // As a paste arrives: the whole text in one input event (playwright's fill types it).
  await page.evaluate((t) => {
    const ta = document.querySelector('[data-testid="yaml-editor"]');
    ta.value = t;
    ta.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
  }, text);
  await page.getByTestId('editor-plain').waitFor();
  const shown = Date.now() - started;
  assert.match(await page.getByTestId('editor-plain').textContent(), /is 2\.0 MB: over 256 KB the editor shows it without colours/);
  assert.equal(await page.getByTestId('editor-coloured').count(), 0);
  const pasteLongest = await page.evaluate(() => window.__longest);
  console.log(`2 MB paste: plain editor after ${shown} ms, longest task ${pasteLongest.toFixed(0)} ms`);
  await page.getByTestId('apply-button').click();
  await lab.waitForConsoleText(`configmap/cm-${count - 1} created`);
  const applied = Date.now() - started;
  const longest = await page.evaluate(() => window.__longest);
  console.log(`2 MB apply: done after ${applied} ms, longest task ${longest.toFixed(0)} ms`);
  // The tab answers: a command typed now runs.
  await lab.run('kubectl get configmap cm-1 --no-headers');
  await page.waitForFunction(() => /cm-1 +1 /.test(document.querySelector('[data-testid="console-output"]').textContent));
  assert.ok(longest < 2_000, `the apply held the page for ${longest} ms`);
  assert.ok(shown < 5_000, `the plain editor took ${shown} ms`);
  assert.deepEqual(errors, []);
  await context.close();
});
