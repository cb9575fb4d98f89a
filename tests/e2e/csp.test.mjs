// The page runs under a Content-Security-Policy that allows no inline script but trunk's
// loader (by hash): any violation shows up as a console error, which every spec rejects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, newPage } from './harness.mjs';
import { LabPage } from './lab-page.mjs';

const env = useLab();

test('the page has a CSP without unsafe-inline scripts and runs under it', { timeout: 120_000 }, async () => {
  const { page, context, errors } = await newPage(env.browser);
  const violations = [];
  await page.exposeFunction('reportViolation', (v) => violations.push(v));
  await page.addInitScript(() => document.addEventListener('securitypolicyviolation', (e) => window.reportViolation(`${e.violatedDirective}: ${e.blockedURI}`)));
  const lab = new LabPage(page);
  await lab.open(env.server.url, { seed: 1 });
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  const scriptSrc = csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src'));
  assert.ok(scriptSrc, csp);
  assert.ok(!scriptSrc.includes("'unsafe-inline'") && !scriptSrc.includes("'unsafe-eval'"), scriptSrc);
  assert.match(csp, /object-src 'none'/);
  await lab.run('kubectl get nodes');
  await lab.waitForConsoleText('node-3');
  assert.deepEqual(violations, []);
  assert.deepEqual(errors, []);
  await context.close();
});
