// EXPERIMENT, NOT PART OF THE BUILD (docs/wasm-split-study.md). What the split page does off
// the profiled path:
//   node faults.mjs SPLIT_DIST
// a. A returning visitor: commands run, then a reload (the lab restores its saved state from
//    localStorage: a boot down a path the profile did not see), the secondary held back 3 s.
// b. Offline after a first visit: the service worker installed, the server down, a reload, a command.
// c. The secondary never arrives (404 for it, every request): a command that needs it.
// d. The secondary's first request fails (a link that drops for a moment): the loader's retry.
import { serveStatic, launchChromium, newPage } from '../../../tests/e2e/harness.mjs';

const dist = process.argv[2].endsWith('/') ? process.argv[2] : `${process.argv[2]}/`;
const usable = () => {
  const drawn = ['node-1', 'node-2', 'node-3'].every((n) => document.querySelector(`[data-testid="node-${n}"]`));
  const input = document.querySelector('[data-testid="console-input"]');
  return drawn && input && !input.readOnly && !input.disabled;
};
const splitState = (page) => page.evaluate(() => globalThis.__kubelabSplit && { ...globalThis.__kubelabSplit, module: undefined, instance: undefined });
async function run(page, line, timeout = 15_000) {
  await page.getByTestId('console-input').fill(line);
  await page.getByTestId('console-input').press('Enter');
  await page.waitForFunction((l) => document.querySelector('[data-testid="console-output"]').textContent.includes(`$ ${l}`), line, { timeout });
}
const lastLines = (page) => page.getByTestId('console-output').evaluate((o) => o.textContent.trim().split('\n').slice(-4).join(' | '));

const server = await serveStatic(dist, { gzip: true });
const browser = await launchChromium();
try {
  { // a.
    const { page, context, errors } = await newPage(browser, { serviceWorkers: 'block' });
    await page.goto(`${server.url}?seed=7`);
    await page.waitForFunction(usable);
    await run(page, 'kubectl create deployment web --image=nginx --replicas=2');
    await page.waitForTimeout(1500); // the lab saves its state
    let held = false;
    await page.route(/_secondary\.wasm$/, async (route) => {
      if (!held) { held = true; await new Promise((r) => setTimeout(r, 3000)); }
      await route.continue();
    });
    const t0 = Date.now();
    await page.reload();
    await page.waitForFunction(usable, null, { timeout: 30_000 });
    const ms = Date.now() - t0;
    const state = await splitState(page);
    await run(page, 'kubectl get deploy');
    console.log(`a. reload with saved state, secondary held 3 s: usable after ${ms} ms; loader ${JSON.stringify(state)}; console: ${await lastLines(page)}; errors ${JSON.stringify(errors)}`);
    await context.close();
  }
  { // b.
    const { page, context, errors } = await newPage(browser);
    await page.goto(`${server.url}?seed=7`);
    await page.waitForFunction(usable);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null || navigator.serviceWorker.ready.then(() => false), null, { timeout: 20_000 }).catch(() => {});
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.waitForTimeout(2000); // the install caches every file
    await run(page, 'kubectl create deployment web --image=nginx --replicas=2');
    await page.waitForTimeout(1500);
    server.setDown(true);
    const t0 = Date.now();
    await page.reload();
    await page.waitForFunction(usable, null, { timeout: 30_000 });
    const ms = Date.now() - t0;
    const state = await splitState(page);
    await run(page, 'kubectl describe deploy web');
    console.log(`b. offline reload (service worker): usable after ${ms} ms; loader ${JSON.stringify(state)}; console: ${await lastLines(page)}; errors ${JSON.stringify(errors)}`);
    server.setDown(false);
    await context.close();
  }
  { // c.
    const { page, context, errors } = await newPage(browser, { serviceWorkers: 'block' });
    await page.route(/_secondary\.wasm$/, (route) => route.fulfill({ status: 404, body: 'gone' }));
    await page.goto(`${server.url}?seed=7`);
    await page.waitForFunction(usable);
    let ran = 'yes';
    await run(page, 'kubectl create deployment web --image=nginx --replicas=2', 5000).catch((e) => { ran = `no (${e.message.split('\n')[0]})`; });
    const state = await splitState(page);
    const notice = await page.getByTestId('split-failed').textContent({ timeout: 2000 }).catch(() => 'none');
    let after = 'n/a';
    await run(page, 'kubectl get pods', 5000).then(() => { after = 'a second command ran'; }, () => { after = 'a second command did not run'; });
    console.log(`c. secondary missing: command ran: ${ran}; ${after}; notice: ${notice}; loader ${JSON.stringify(state)}; console: ${await lastLines(page)}; errors ${JSON.stringify(errors).slice(0, 600)}`);
    await context.close();
  }
  { // d.
    const { page, context, errors } = await newPage(browser, { serviceWorkers: 'block' });
    let failed = 0;
    await page.route(/_secondary\.wasm$/, (route) => (failed++ === 0 ? route.abort('connectionreset') : route.continue()));
    await page.goto(`${server.url}?seed=7`);
    await page.waitForFunction(usable);
    await page.waitForFunction(() => globalThis.__kubelabSplit.instance !== null, null, { timeout: 10_000 }).catch(() => {});
    const state = await splitState(page);
    await run(page, 'kubectl create deployment web --image=nginx --replicas=2');
    console.log(`d. first request for the secondary reset: requests ${failed}; loader ${JSON.stringify(state)}; console: ${await lastLines(page)}; errors ${JSON.stringify(errors)}`);
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}
