// Console habits: the context's namespace is named by the prompt and survives a reload
// (the journal replays `kubectl config set-context`); a pod shell's prompt is the image's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, newPage } from './harness.mjs';
import { LabPage } from './lab-page.mjs';

const env = useLab();

const prompt = async (page) => (await page.getByTestId('prompt-sign').textContent()).trim();

test('the prompt names the context namespace and a pod shell, and the namespace survives a reload', { timeout: 180_000 }, async () => {
  const { page, context, errors } = await newPage(env.browser);
  const lab = new LabPage(page);
  await lab.open(env.server.url, { seed: 5 });
  assert.equal(await prompt(page), '$');
  await lab.run('kubectl create namespace dev');
  await lab.run('kubectl config set-context --current --namespace=dev');
  await lab.waitForConsoleText('Context "kubelab" modified.');
  assert.equal(await prompt(page), 'dev $');

  await lab.run('kubectl run -it --rm tmp --image=busybox -- sh');
  await lab.waitForConsoleText("If you don't see a command prompt, try pressing enter.");
  assert.equal(await prompt(page), '/ #');
  await lab.run('hostname');
  await lab.waitForConsoleText('tmp');
  await lab.run('exit');
  await lab.waitForConsoleText('pod "tmp" deleted');
  assert.equal(await prompt(page), 'dev $');

  await page.reload();
  await lab.waitForRestored();
  assert.equal(await prompt(page), 'dev $', 'the namespace is part of what the journal rebuilds');
  assert.deepEqual(errors, []);
  await context.close();
});
