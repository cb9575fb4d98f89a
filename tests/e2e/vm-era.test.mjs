// The VM era, workshop part 1 stage 4: two app VMs behind a load balancer serve ~2 req/s;
// pulling one VM's cable drops the rate on the traffic chart, and nothing heals it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, newPage } from './harness.mjs';
import { LabPage } from './lab-page.mjs';

const env = useLab();

const APP = 'ghcr.io/iximiuz/labs/kubernetes-101/app:v1.0.0';
const PROXY = 'ghcr.io/iximiuz/labs/kubernetes-101/proxy:v1.0.0';

/** ok requests per second over the last `n` whole seconds the chart draws. */
async function recentRate(page, n) {
  return page.evaluate((k) => {
    const secs = [...document.querySelectorAll('[data-testid="traffic-chart"] g.second')].slice(-k);
    return secs.reduce((a, g) => a + Number(g.dataset.ok), 0) / Math.max(1, secs.length);
  }, n);
}

test('a VM losing its link drops the load balancer\'s rate on the chart, and it stays down', { timeout: 240_000 }, async () => {
  const { page, context, errors } = await newPage(env.browser);
  const lab = new LabPage(page);
  await lab.open(env.server.url, { seed: 3 });
  await page.getByTestId('lan-up').click();
  await page.getByTestId('machine-vm-1').waitFor();
  // Log in to vm-1 the way a learner would: the prompt says where commands run.
  await lab.run('lab ssh vm-1');
  assert.equal((await page.getByTestId('prompt-sign').textContent()).trim(), 'root@vm-1:~#');
  await lab.run('docker network create appanet');
  await lab.run(`docker run --name app --rm -d --network appanet ${APP}`);
  await lab.run(`docker run --name proxy --rm -d -p 80:80 --network appanet ${PROXY}`);
  await lab.run('exit');
  assert.equal((await page.getByTestId('prompt-sign').textContent()).trim(), '$');
  for (const line of [
    'lab on vm-2 docker network create appanet',
    `lab on vm-2 docker run --name app --rm -d --network appanet ${APP}`,
    `lab on vm-2 docker run --name proxy --rm -d -p 80:80 --network appanet ${PROXY}`,
    'lab on lb docker run --name lb --rm -d -p 80:80 ghcr.io/iximiuz/labs/kubernetes-101/lb:v1.0.0',
    'lab on lb docker run --net host -it --rm ghcr.io/six-ddc/plow -c 2 -k 172.16.0.2:80',
  ]) {
    await lab.run(line);
  }
  await lab.waitForConsoleText('Benchmarking http://172.16.0.2:80 using 2 connection(s).');
  assert.equal(await page.getByTestId('container-vm-1-app').getAttribute('data-status'), 'Up');

  await lab.setSpeed(20);
  // Two app instances, one request at a time each: ~2 req/s.
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="traffic-chart"] g.second').length >= 12);
  const before = await recentRate(page, 10);
  assert.ok(before >= 1.8 && before <= 2.1, `before: ${before} req/s`);
  await page.getByTestId('lan-map').scrollIntoViewIfNeeded();
  await lab.screenshot('vm-era-before');

  await page.getByTestId('link-vm-1').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="machine-vm-1"]')?.dataset.link === 'down');
  const t0 = await lab.simMillis();
  // Forty simulated seconds later, the last thirty on the chart are all after the drop.
  await page.waitForFunction((t) => Number(document.querySelector('[data-testid="sim-clock"]').dataset.ms) > t + 40_000, t0);
  const after = await recentRate(page, 30);
  assert.ok(after < 1.3, `after: ${after} req/s (before ${before})`);
  assert.ok(after > 0.2, `vm-2 still answers: ${after} req/s`);
  await lab.screenshot('vm-era-vm-down');
  // Nothing heals: the machine is still down and its upstream still in the list.
  assert.equal(await page.getByTestId('machine-vm-1').getAttribute('data-link'), 'down');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the traffic panel loads the load balancer as the workshop does: plow -c 2, ~2 req/s, halved when a VM is cut off', { timeout: 240_000 }, async () => {
  const { page, context, errors } = await newPage(env.browser);
  const lab = new LabPage(page);
  await lab.open(env.server.url, { seed: 3 });
  await lab.run('lab lan up');
  for (const vm of ['vm-1', 'vm-2']) {
    await lab.run(`lab on ${vm} docker network create appanet`);
    await lab.run(`lab on ${vm} docker run --name app --rm -d --network appanet ${APP}`);
    await lab.run(`lab on ${vm} docker run --name proxy --rm -d -p 80:80 --network appanet ${PROXY}`);
  }
  await lab.run('lab on lb docker run --name lb --rm -d -p 80:80 ghcr.io/iximiuz/labs/kubernetes-101/lb:v1.0.0');
  // The panel's own Start load, nothing chosen but the address: the closed loop by default.
  await page.getByTestId('traffic-service').selectOption('172.16.0.2:80');
  assert.equal(await page.getByTestId('traffic-rate').inputValue(), 'c2');
  assert.equal(await page.getByTestId('traffic-start').getAttribute('title'), 'Runs: lab load start 172.16.0.2:80 -c 2');
  await page.getByTestId('traffic-start').click();
  await page.getByTestId('traffic-target').waitFor();
  assert.match(await page.getByTestId('traffic-target').textContent(), /2 connection\(s\), back to back/);

  await lab.setSpeed(20);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="traffic-chart"] g.second').length >= 12);
  const before = await recentRate(page, 10);
  assert.ok(before >= 1.8 && before <= 2.1, `before: ${before} req/s`);
  assert.equal(await page.locator('[data-testid="traffic-chart"] rect.bar-err').count(), 0, 'no timeouts before anything broke');
  assert.equal(await page.getByTestId('traffic-version-v1.0.0').getAttribute('data-share'), '100');

  await page.getByTestId('link-vm-1').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="machine-vm-1"]')?.dataset.link === 'down');
  const t0 = await lab.simMillis();
  await page.waitForFunction((t) => Number(document.querySelector('[data-testid="sim-clock"]').dataset.ms) > t + 40_000, t0);
  const after = await recentRate(page, 30);
  assert.ok(after > 0.5 && after < 1.3, `about half: ${after} req/s (before ${before})`);
  assert.deepEqual(errors, []);
  await context.close();
});
