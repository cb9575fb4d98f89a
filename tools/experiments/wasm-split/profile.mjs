// EXPERIMENT, NOT PART OF THE BUILD (docs/wasm-split-study.md). Runs a dist/ copy whose wasm
// was instrumented by `wasm-split --instrument` (made with make-dist.mjs --expose) in Chromium
// and writes the profile wasm-split --profile reads:
//   node profile.mjs DIST OUT.prof [--query ?seed=7] [--seconds 3] [--command "kubectl get pods"]...
// The visit: the page loads (with --query, e.g. ?seed=7 as the benchmark; default none, as a
// learner's first visit), is usable (the three workers drawn, the console enabled), the clock
// runs for --seconds, then each --command is typed key by key and run.
import { writeFileSync } from 'node:fs';
import { serveStatic, launchChromium, newPage } from '../../../tests/e2e/harness.mjs';

const [dist, out, ...rest] = process.argv.slice(2);
const commands = [];
let seconds = 3;
let query = '';
for (let i = 0; i < rest.length; i += 2) {
  if (rest[i] === '--command') commands.push(rest[i + 1]);
  else if (rest[i] === '--seconds') seconds = Number(rest[i + 1]);
  else if (rest[i] === '--query') query = rest[i + 1];
  else throw new Error(`unknown option ${rest[i]}`);
}
const server = await serveStatic(dist.endsWith('/') ? dist : `${dist}/`, { gzip: true });
const browser = await launchChromium();
try {
  const { page, context, errors } = await newPage(browser, { serviceWorkers: 'block' });
  await page.goto(`${server.url}${query}`);
  await page.waitForFunction(() => {
    const drawn = ['node-1', 'node-2', 'node-3'].every((n) => document.querySelector(`[data-testid="node-${n}"]`));
    const input = document.querySelector('[data-testid="console-input"]');
    return drawn && input && !input.readOnly && !input.disabled;
  });
  await page.waitForTimeout(seconds * 1000);
  for (const line of commands) {
    await page.getByTestId('console-input').pressSequentially(line, { delay: 30 });
    await page.getByTestId('console-input').press('Enter');
    await page.waitForFunction((l) => document.querySelector('[data-testid="console-output"]').textContent.includes(`$ ${l}`), line);
    await page.waitForTimeout(500);
  }
  const bytes = await page.evaluate(() => {
    const w = globalThis.__kubelabWasm;
    const size = 1 << 20;
    const ptr = w.__wbindgen_malloc(size, 8) >>> 0;
    const n = w.__write_profile(ptr, size);
    return Array.from(new Uint8Array(w.memory.buffer, ptr, n));
  });
  writeFileSync(out, Buffer.from(bytes));
  console.log(`profile.mjs: ${bytes.length} bytes to ${out}; page errors: ${JSON.stringify(errors)}`);
  await context.close();
} finally {
  await browser.close();
  await server.close();
}
