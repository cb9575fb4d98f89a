// EXPERIMENT, NOT PART OF THE BUILD (docs/wasm-split-study.md). The throttled first visit of
// tests/e2e/bench.test.mjs (throttledFirstVisit: 10 Mbit/s down, 5 up, 40 ms, cache disabled,
// served gzip from the .gz files, navigation -> the three workers drawn and the console
// enabled), for several dist/ copies in alternation:
//   [EARLY_COMMAND="kubectl ..."] [MBIT=10] node bench.mjs ROUNDS NAME=DIST [NAME=DIST]...
// (MBIT: another download rate than the benchmark's 10 Mbit/s, to see how the split scales.)
// For a split copy it also reports when the secondary was instantiated (the whole code there)
// and whether any placeholder had to load it synchronously. With EARLY_COMMAND, that command is
// typed and run the moment the page is usable (before a split page's secondary is there), and
// the time from Enter to its output is reported.
import { serveStatic, launchChromium, newPage } from '../../../tests/e2e/harness.mjs';

const [rounds, ...specs] = process.argv.slice(2);
const variants = specs.map((s) => {
  const [name, dist] = s.split('=');
  return { name, dist: dist.endsWith('/') ? dist : `${dist}/`, runs: [] };
});

async function throttledFirstVisit(browser, url) {
  const { page, context, errors } = await newPage(browser);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 40,
    downloadThroughput: (Number(process.env.MBIT ?? 10) * 1000 * 1000) / 8,
    uploadThroughput: (5 * 1000 * 1000) / 8,
  });
  let bytes = 0;
  cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; });
  await page.goto(url, { waitUntil: 'commit' });
  const usable = await page.waitForFunction(() => {
    const drawn = ['node-1', 'node-2', 'node-3'].every((n) => document.querySelector(`[data-testid="node-${n}"]`));
    const input = document.querySelector('[data-testid="console-input"]');
    return drawn && input && !input.readOnly && !input.disabled && performance.now();
  }, null, { polling: 'raf', timeout: 60_000 });
  const ms = await usable.jsonValue();
  let early = null;
  if (process.env.EARLY_COMMAND) {
    const line = process.env.EARLY_COMMAND;
    early = await page.evaluate(async (l) => {
      const input = document.querySelector('[data-testid="console-input"]');
      const out = document.querySelector('[data-testid="console-output"]');
      input.value = l;
      input.dispatchEvent(new InputEvent('input', { bubbles: true }));
      await new Promise((r) => requestAnimationFrame(r)); // the app takes the typed line in
      const t0 = performance.now();
      input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
      const answered = () => {
        const text = out.textContent;
        const at = text.lastIndexOf(`$ ${l}`);
        return at >= 0 && text.slice(at).split('\n').length >= 3; // the echo and a line of output
      };
      while (!answered()) {
        await new Promise((r) => requestAnimationFrame(r));
        if (performance.now() - t0 > 20_000) return -1;
      }
      return performance.now() - t0;
    }, line);
  }
  // The secondary, if any: wait for it (at most 10 s) to see when the whole code was there.
  const split = await page.evaluate(async () => {
    const s = globalThis.__kubelabSplit;
    if (!s) return null;
    for (let i = 0; i < 200 && !s.instance; i++) await new Promise((r) => setTimeout(r, 50));
    return { readyAt: s.readyAt, syncLoads: s.syncLoads, syncMs: s.syncMs, error: s.error };
  });
  const paint = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN);
  await context.close();
  return { ms, paint, bytes, errors, split, early };
}

const servers = await Promise.all(variants.map((v) => serveStatic(v.dist, { gzip: true })));
const browser = await launchChromium();
try {
  for (let r = 0; r < Number(rounds); r++) {
    for (const [i, v] of variants.entries()) {
      const run = await throttledFirstVisit(browser, `${servers[i].url}?seed=7`);
      v.runs.push(run);
      const extra = run.split ? `; secondary ready at ${run.split.readyAt?.toFixed(0)} ms, sync loads ${run.split.syncLoads}${run.split.syncMs ? ` (a ${run.split.syncMs.toFixed(0)} ms pause)` : ''}${run.split.error ? `, error ${run.split.error}` : ''}` : '';
      const earlyText = run.early === null ? '' : `; early command's output after ${run.early.toFixed(0)} ms`;
      console.log(`round ${r + 1} ${v.name}: usable at ${run.ms.toFixed(0)} ms${earlyText}, painted ${run.paint.toFixed(0)} ms, ${(run.bytes / 1024).toFixed(0)} KB before usable + waiting${extra}; errors ${JSON.stringify(run.errors)}`);
    }
  }
  for (const v of variants) {
    const ms = v.runs.map((r) => r.ms).sort((a, b) => a - b);
    const ready = v.runs.map((r) => r.split?.readyAt).filter((x) => x != null).sort((a, b) => a - b);
    const median = (xs) => xs[Math.floor(xs.length / 2)];
    console.log(`${v.name}: usable ${ms.map((m) => m.toFixed(0)).join(', ')} ms (median ${median(ms).toFixed(0)})${ready.length ? `; whole code ready ${ready.map((m) => m.toFixed(0)).join(', ')} ms (median ${median(ready).toFixed(0)})` : ''}`);
  }
} finally {
  await browser.close();
  await Promise.all(servers.map((s) => s.close()));
}
