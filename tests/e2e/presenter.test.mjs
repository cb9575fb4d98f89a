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

test('presenter mode on a 720p projector: map and console on one screen, large type, Esc leaves the console, K and L run the script\'s steps', { timeout: 240_000 }, async () => {
  const { page, context, errors } = await newPage(env.browser, { viewport: { width: 1280, height: 720 } });
  const lab = new LabPage(page);
  await page.goto(`${env.server.url}?seed=21&present`);
  await page.waitForFunction(() => document.querySelector('[data-testid="node-node-1"]')?.dataset.status === 'Ready');
  await page.getByTestId('demo-script').fill([
    'kubectl create deployment web --image=nginx:1.25 --replicas=3',
    'kubectl expose deployment web --port=80',
    'lab advance 20s',
    'lab node kill node-2',
    'lab load start web -c 2',
    '',
  ].join('\n'));

  // Typing in the console: N is a letter there; Esc leaves the console and N is the shortcut again.
  await lab.consoleInput.click();
  await page.keyboard.press('n');
  assert.equal(await lab.consoleInput.inputValue(), 'n', 'N types in the console');
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Escape');
  assert.ok(await page.evaluate(() => document.activeElement !== document.querySelector('[data-testid="console-input"]')), 'Esc left the console');
  await page.keyboard.press('n');
  await lab.waitForConsoleText('deployment.apps/web created');
  await page.keyboard.press('n');
  await lab.waitForConsoleText('service/web exposed');
  await page.keyboard.press('n');
  await lab.waitForReadyPods('web-', 3);

  // K does what the next step does: it runs that step and marks it done; L the same.
  await page.keyboard.press('k');
  await page.waitForFunction(() => document.querySelector('[data-testid="node-node-2"]')?.dataset.power === 'off');
  assert.equal(await page.getByTestId('demo-step-3').getAttribute('data-state'), 'ran', 'K marked its step done');
  await page.keyboard.press('l');
  await lab.waitForConsoleText('$ lab load start web -c 2');
  assert.equal(await page.getByTestId('demo-step-4').getAttribute('data-state'), 'ran', 'L marked its step done');

  // One screen: no page scroll; the map, the console's input and the script in view.
  const fit = await page.evaluate(() => {
    const box = (sel) => {
      const r = document.querySelector(sel).getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, left: r.left, right: r.right };
    };
    const tops = (sel) => [...document.querySelectorAll(sel)].map((e) => Math.round(e.getBoundingClientRect().top));
    const cut = [...document.querySelectorAll('.top, .console-output, .demo-pane, .map-pane, .control-plane')]
      .filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.className);
    return {
      scroll: document.scrollingElement.scrollHeight,
      input: box('[data-testid="console-input"]'),
      map: box('[data-testid="cluster-map"]'),
      demo: box('[data-testid="demo-next"]'),
      consoleFont: parseFloat(getComputedStyle(document.querySelector('[data-testid="console-output"]')).fontSize),
      inputFont: parseFloat(getComputedStyle(document.querySelector('[data-testid="console-input"]')).fontSize),
      podName: Math.min(...[...document.querySelectorAll('[data-testid^="pod-web-"] .pod-name')].map((t) => t.getBoundingClientRect().height)),
      headerHeight: document.querySelector('.top').getBoundingClientRect().height,
      cpRows: new Set(tops('.cp-part')).size,
      cut,
    };
  });
  assert.ok(fit.scroll <= 720, `no page scroll: ${fit.scroll}`);
  for (const k of ['input', 'map', 'demo']) {
    assert.ok(fit[k].top >= 0 && fit[k].bottom <= 720 && fit[k].right <= 1280, `${k} in view: ${JSON.stringify(fit[k])}`);
  }
  assert.ok(fit.consoleFont >= 18 && fit.inputFont >= 18, `console text ${fit.consoleFont} px, input ${fit.inputFont} px`);
  assert.ok(fit.podName >= 15, `pod names drawn ${fit.podName} px tall`);
  assert.ok(fit.headerHeight <= 56, `the header is one line: ${fit.headerHeight} px tall`);
  assert.equal(fit.cpRows, 1, 'the control-plane strip is one line');
  assert.deepEqual(fit.cut, [], 'nothing cut at the right');
  await lab.screenshot('presenter-720p');
  assert.deepEqual(errors, []);
  await context.close();
});
