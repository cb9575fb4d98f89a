// The lab fits the window at the sizes learners and projectors use: no page scroll; the
// console's input, the map and the open lesson step's command buttons and objectives are
// all in view; console lines wrap, so an error's useful end is on screen, not cut at the right.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, newPage } from './harness.mjs';
import { LabPage } from './lab-page.mjs';

const env = useLab();

/** The element's box is wholly inside the window. */
async function inView(page, testId) {
  return page.getByTestId(testId).first().evaluate((el) => {
    const r = el.getBoundingClientRect();
    const box = `${Math.round(r.left)},${Math.round(r.top)} ${Math.round(r.width)}×${Math.round(r.height)}`;
    const ok = r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight;
    return { ok, box };
  });
}

async function assertInView(page, testId, size) {
  const v = await inView(page, testId);
  assert.ok(v.ok, `${testId} is in view at ${size} (its box: ${v.box})`);
}

async function assertNoPageScroll(page, size) {
  const s = await page.evaluate(() => ({
    h: document.scrollingElement.scrollHeight,
    w: document.scrollingElement.scrollWidth,
    ih: innerHeight,
    iw: innerWidth,
  }));
  assert.ok(s.h <= s.ih, `no page scroll at ${size}: the page is ${s.h} px tall in a ${s.ih} px window`);
  assert.ok(s.w <= s.iw, `nothing wider than the window at ${size}: ${s.w} px in ${s.iw} px`);
}

// A pod name long enough to wrap at any width tested: kubectl's answer ends with "not found",
// which must be on screen.
const LONG = `web-${'abcdefghij-'.repeat(18)}x`;

for (const [width, height] of [[1280, 720], [1440, 900], [1920, 1080]]) {
  const size = `${width}×${height}`;
  test(`at ${size} the lab fits the window, the lesson step's buttons in view and console lines wrapped`, { timeout: 180_000 }, async () => {
    const { page, context, errors } = await newPage(env.browser, { viewport: { width, height } });
    const lab = new LabPage(page);
    await lab.open(env.server.url, { seed: 5 });
    await assertNoPageScroll(page, size);
    await assertInView(page, 'console-input', size);
    // The header is one line, and the speed is said once (by its pressed button).
    const header = await page.evaluate(() => ({
      height: document.querySelector('.top').getBoundingClientRect().height,
      speeds: [...document.querySelectorAll('.top *')]
        .filter((e) => e.children.length === 0 && e.textContent.trim() === '1×' && e.getBoundingClientRect().width > 2).length,
    }));
    assert.ok(header.height <= 56, `the header is one line at ${size}: ${header.height} px tall`);
    assert.equal(header.speeds, 1, '"1×" appears once in the header');

    // Lesson 12 had the tallest page (2,552 px): its first step.
    await page.getByTestId('lesson-picker').selectOption('12-k8s-rolling-update');
    await page.getByTestId('lesson-start').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="lesson-open"]')?.dataset.step === '0');
    await assertNoPageScroll(page, size);
    await assertInView(page, 'console-input', size);
    await assertInView(page, 'cluster-map', size);
    await assertInView(page, 'lesson-command-0', size);
    await assertInView(page, 'objectives', size);
    await assertInView(page, 'lesson-step', size);

    await lab.run(`kubectl get pod ${LONG}`);
    const out = await lab.lastOutput();
    assert.deepEqual(out, [{ stderr: true, text: `Error from server (NotFound): pods "${LONG}" not found` }]);
    // The error's last characters are drawn inside the console's box: wrapped, not cut.
    const end = await page.evaluate(() => {
      const out = document.querySelector('[data-testid="console-output"]');
      const line = [...out.querySelectorAll('.stderr')].pop();
      const text = line.firstChild;
      const range = document.createRange();
      range.setStart(text, text.length - 'not found'.length);
      range.setEnd(text, text.length);
      const r = range.getBoundingClientRect();
      const box = out.getBoundingClientRect();
      return { right: r.right, top: r.top, bottom: r.bottom, boxRight: box.right - out.clientLeft, boxTop: box.top, boxBottom: box.bottom, lines: line.getClientRects().length };
    });
    assert.ok(end.right <= end.boxRight && end.top >= end.boxTop && end.bottom <= end.boxBottom,
      `"not found" is visible in the console at ${size}: ${JSON.stringify(end)}`);
    assert.ok(end.lines >= 1);
    await assertNoPageScroll(page, size);
    await lab.screenshot(`layout-${width}x${height}`);

    await page.getByTestId('theme-toggle').click();
    await lab.screenshot(`layout-${width}x${height}-other-theme`);
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('a VM-era lesson shows the LAN and its tools, not the Kubernetes map; docker pull progress is not an error', { timeout: 180_000 }, async () => {
  const { page, context, errors } = await newPage(env.browser);
  const lab = new LabPage(page);
  await lab.open(env.server.url, { seed: 5 });
  await page.getByTestId('lesson-picker').selectOption('01-vm-one-app');
  await page.getByTestId('lesson-start').click();
  await page.getByTestId('machine-vm-1').waitFor();
  assert.equal(await page.getByTestId('panes').getAttribute('data-view'), 'vm');
  for (const id of ['cluster-map', 'control-plane', 'events-feed', 'inspector']) {
    assert.equal(await page.getByTestId(id).count(), 0, `${id} is not shown in a VM-era lesson`);
  }
  await assertInView(page, 'lan-map', '1280×720');
  await assertInView(page, 'lesson-command-0', '1280×720');
  await assertNoPageScroll(page, '1280×720');

  await lab.run('lab on vm-1 docker run -d --name web nginx:1.25');
  const out = await lab.lastOutput();
  assert.ok(out.some((l) => l.text.includes('Pull complete')), JSON.stringify(out));
  assert.ok(out.every((l) => !l.stderr), `a successful docker run prints no error lines: ${JSON.stringify(out)}`);
  const marker = await lab.consoleOutput.locator('.progress').first().evaluate((s) => getComputedStyle(s, '::before').content);
  assert.equal(marker, 'none', 'pull progress carries no "!" marker');
  await lab.screenshot('layout-vm-era');
  assert.deepEqual(errors, []);
  await context.close();
});
