// EXPERIMENT, NOT PART OF THE BUILD (docs/wasm-split-study.md). Checks that a split dist/ copy
// behaves as the unsplit one, and what the split loader does when the secondary is late:
//   node check.mjs BASE_DIST SPLIT_DIST
// 1. The same commands in both (unthrottled, ?seed=7): the console's text must be equal.
// 2. The split copy with the secondary held back 3 s by the test: a command typed as soon as
//    the page is usable runs through a placeholder, so the loader loads the secondary
//    synchronously; the console must show the same text, and the test reports the pause.
import { serveStatic, launchChromium, newPage } from '../../../tests/e2e/harness.mjs';

const [baseDist, splitDist] = process.argv.slice(2).map((d) => (d.endsWith('/') ? d : `${d}/`));
const COMMANDS = [
  'kubectl get nodes',
  'kubectl create deployment web --image=nginx --replicas=3',
  'lab advance 30s',
  'kubectl get pods -o wide',
  'kubectl describe deployment web',
  'kubectl scale deployment web --replicas=5',
  'kubectl get deploy web -o yaml',
];

const usable = () => {
  const drawn = ['node-1', 'node-2', 'node-3'].every((n) => document.querySelector(`[data-testid="node-${n}"]`));
  const input = document.querySelector('[data-testid="console-input"]');
  return drawn && input && !input.readOnly && !input.disabled;
};

async function run(page, line) {
  await page.getByTestId('console-input').fill(line);
  await page.getByTestId('console-input').press('Enter');
  await page.waitForFunction((l) => document.querySelector('[data-testid="console-output"]').textContent.includes(`$ ${l}`), line);
  await page.waitForFunction(() => !document.querySelector('[data-testid="console-input"]').readOnly);
}

async function transcript(browser, url, { holdSecondaryMs = 0, commands = COMMANDS } = {}) {
  const { page, context, errors } = await newPage(browser, { serviceWorkers: 'block' });
  if (holdSecondaryMs) {
    let held = false;
    await page.route(/_secondary\.wasm$/, async (route) => {
      if (!held) {
        held = true; // only the loader's background fetch; the synchronous one goes through
        await new Promise((r) => setTimeout(r, holdSecondaryMs));
      }
      await route.continue();
    });
  }
  await page.goto(`${url}?seed=7`);
  await page.waitForFunction(usable);
  const t0 = Date.now();
  for (const line of commands) await run(page, line);
  const ms = Date.now() - t0;
  const text = await page.getByTestId('console-output').textContent();
  const split = await page.evaluate(() => globalThis.__kubelabSplit && { ...globalThis.__kubelabSplit, module: undefined, instance: undefined });
  await context.close();
  return { text, errors, split, ms };
}

const base = await serveStatic(baseDist, { gzip: true });
const splitServer = await serveStatic(splitDist, { gzip: true });
const browser = await launchChromium();
try {
  const a = await transcript(browser, base.url);
  const b = await transcript(browser, splitServer.url);
  console.log(`1. same transcript: ${a.text === b.text} (${a.text.length} chars); errors base ${JSON.stringify(a.errors)} split ${JSON.stringify(b.errors)}; split loader ${JSON.stringify(b.split)}`);
  if (a.text !== b.text) console.log(`--- base\n${a.text}\n--- split\n${b.text}`);
  const c = await transcript(browser, splitServer.url, { holdSecondaryMs: 3000, commands: [COMMANDS[1], COMMANDS[3]] });
  const d = await transcript(browser, base.url, { commands: [COMMANDS[1], COMMANDS[3]] });
  console.log(`2. secondary held 3 s, two commands at once: same transcript ${c.text === d.text}; ${c.ms} ms for both (unsplit: ${d.ms} ms); errors ${JSON.stringify(c.errors)}; split loader ${JSON.stringify(c.split)}`);
  if (c.text !== d.text) console.log(`--- base\n${d.text}\n--- split, held\n${c.text}`);
} finally {
  await browser.close();
  await base.close();
  await splitServer.close();
}
