// Powering a node off: at 60× it turns NotReady, and once its pods' toleration runs out
// they are evicted and replaced on the other workers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, newPage } from './harness.mjs';
import { LabPage, WORKERS, deployment } from './lab-page.mjs';

const env = useLab();

test('a powered-off node goes NotReady and its pods come back on the other workers', { timeout: 240_000 }, async () => {
  const { page, context, errors } = await newPage(env.browser);
  const lab = new LabPage(page);
  await lab.open(env.server.url, { seed: 23 });
  await lab.setManifest(deployment({ name: 'web', replicas: 3 }));
  await lab.apply();
  await lab.setSpeed(20);
  await lab.waitForReadyPods('web-', 3);

  const victim = (await lab.pods('web-'))[0].node;
  assert.ok(WORKERS.includes(victim), victim);
  await lab.inspectNode(victim);
  await lab.act('node-power-off');
  await lab.waitForConsoleText(`$ lab node kill ${victim}\nnode/${victim} powered off`);
  assert.equal(await lab.node(victim).getAttribute('data-power'), 'off', 'drawn as powered off at once');
  assert.match(await page.getByTestId(`countdown-${victim}`).textContent(), /NotReady in \d+s/);

  await lab.setSpeed(60);
  const killedAt = performance.now();
  await lab.waitForNodeStatus(victim, 'NotReady');
  console.log(`node NotReady ${Math.round(performance.now() - killedAt)} ms (wall) after power-off at 60×; clock: ${await lab.clock.innerText()}`);
  assert.match(await lab.node(victim).textContent(), /NotReady/, 'the state is written');
  await lab.screenshot('node-not-ready');

  // 300 s of toleration (5 s of wall time at 60×), then the ReplicaSet replaces the evicted pods.
  await page.waitForFunction(
    (v) => {
      const ready = [...document.querySelectorAll('[data-testid^="pod-web-"][data-ready="true"]')];
      const hosts = ready.map((c) => c.closest('[data-testid^="node-"]')?.getAttribute('data-testid'));
      return ready.length === 3 && hosts.every((h) => h && h !== `node-${v}`);
    },
    victim,
    { timeout: 120_000 },
  );
  console.log(`pods Ready on the other workers ${Math.round(performance.now() - killedAt)} ms (wall) after power-off; clock: ${await lab.clock.innerText()}`);
  await lab.screenshot('node-failure-recovered');
  assert.deepEqual(errors, []);
  await context.close();
});
