// A manifest kubectl would reject: the page shows kubectl's error and the line to fix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, newPage } from './harness.mjs';
import { LabPage, deployment } from './lab-page.mjs';

const env = useLab();

test('misspelt field shows the strict decoding error at its line', { timeout: 120_000 }, async () => {
  const { page, context, errors } = await newPage(env.browser);
  const lab = new LabPage(page);
  await lab.open(env.server.url, { seed: 7 });

  await lab.setManifest(deployment({ name: 'typo', replicasKey: 'replcas' }));
  await lab.apply();

  const stderr = lab.output.locator('.stderr');
  await stderr.first().waitFor();
  assert.equal(
    (await stderr.innerText()).trim(),
    'Error from server (BadRequest): error when creating "manifest.yaml": Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replcas"',
  );
  const problems = await lab.problemLines();
  assert.equal(problems.length, 1, JSON.stringify(problems));
  assert.match(problems[0], /^line 6: .*unknown field "spec\.replcas"/);
  assert.deepEqual(await lab.pods(), [], 'nothing was created');
  await lab.screenshot('invalid-manifest');
  assert.deepEqual(errors, []);
  await context.close();
});

test('selector that does not match the pod labels is rejected as invalid', { timeout: 120_000 }, async () => {
  const { page, context, errors } = await newPage(env.browser);
  const lab = new LabPage(page);
  await lab.open(env.server.url, { seed: 7 });

  await lab.setManifest(deployment({ name: 'web', podLabel: 'api' }));
  await lab.apply();

  await lab.output.locator('.stderr').first().waitFor();
  assert.match(await lab.output.innerText(), /The Deployment "web" is invalid: spec\.template\.metadata\.labels: Invalid value: .*`selector` does not match template `labels`/);
  const problems = await lab.problemLines();
  assert.equal(problems.length, 1, JSON.stringify(problems));
  assert.match(problems[0], /^line 12: spec\.template\.metadata\.labels/);
  assert.deepEqual(errors, []);
  await context.close();
});
