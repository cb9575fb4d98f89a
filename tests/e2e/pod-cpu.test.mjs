// Each pod on the map shows its CPU against its request: the number `kubectl top pod`
// prints, over the pod's request, as the HPA computes it (truncated to a whole percent).
// A chip says it in words beside its bar; a square (a crowded node) has the bar across its
// foot and a corner flag when over its request. Without metrics-server (kubectl top:
// "Metrics API not available") nothing is drawn.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, newPage, ARTIFACTS } from './harness.mjs';
import { LabPage } from './lab-page.mjs';

const env = useLab();

/** The HPA walkthrough's php-apache (limit 500m), with `request` and `replicas`. */
function phpApache(name, request, replicas) {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      run: ${name}
  template:
    metadata:
      labels:
        run: ${name}
    spec:
      containers:
      - name: php-apache
        image: registry.k8s.io/hpa-example
        resources:
          limits:
            cpu: 500m
          requests:
            cpu: ${request}
---
apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  ports:
  - port: 80
  selector:
    run: ${name}
`;
}

/** `kubectl top pod`'s CPU per pod, in millicores. */
async function topPods(lab) {
  await lab.run('kubectl top pod');
  const [header, ...rows] = (await lab.lastOutput()).map((r) => r.text.trim().split(/\s+/));
  assert.deepEqual(header, ['NAME', 'CPU(cores)', 'MEMORY(bytes)']);
  return new Map(rows.map(([name, cpu]) => [name, Number(cpu.replace(/m$/, ''))]));
}

/** What the map draws for CPU: each chip's words and bar, and each square's bar and flag. */
async function drawnCpu(page) {
  return page.evaluate(() => {
    const chips = {};
    for (const g of document.querySelectorAll('.pod-cpu .cpu-line')) {
      const used = g.querySelector('rect.cpu-used');
      chips[g.dataset.testid.slice('cpu-'.length)] = {
        words: g.querySelector('text').textContent,
        bar: used ? Number(used.getAttribute('width')) : null,
        over: used ? used.classList.contains('over') : null,
      };
    }
    const squares = {};
    for (const layer of document.querySelectorAll('.pod-cpu.squares')) {
      const node = layer.closest('svg');
      const segments = (d) => [...(d ?? '').matchAll(/M([\d.]+) ([\d.]+)h([\d.]+)/g)].map((m) => m.slice(1).map(Number));
      const used = segments(layer.querySelector('path.cpu-used').getAttribute('d'));
      const flags = segments(layer.querySelector('path.cpu-over').getAttribute('d'));
      for (const rect of node.querySelectorAll('rect.pod-dot')) {
        const [x, y] = [Number(rect.getAttribute('x')), Number(rect.getAttribute('y'))];
        const bar = used.find(([bx, by]) => bx === x + 2 && by === y + 8);
        squares[rect.dataset.testid.slice('pod-'.length)] = {
          bar: bar ? bar[2] : 0,
          flag: flags.some(([fx, fy]) => fx === x + 8 && fy === y),
          listed: layer.dataset.pods.split(' ').includes(rect.dataset.testid.slice('pod-'.length)),
        };
      }
    }
    return { chips, squares, layers: document.querySelectorAll('.pod-cpu').length };
  });
}

test('pods show kubectl top\'s CPU against their request on the map, and nothing without metrics-server', { timeout: 300_000 }, async () => {
  const { page, context, errors } = await newPage(env.browser);
  const lab = new LabPage(page);
  await lab.open(env.server.url, { seed: 23 });
  await lab.setManifest(phpApache('php-apache', '200m', 1));
  await lab.apply();
  await lab.run('kubectl create deployment plain --image=nginx:1.25');
  await lab.run('lab advance 2m');
  await lab.run('kubectl top pod');
  assert.deepEqual(await lab.lastOutput(), [{ stderr: true, text: 'error: Metrics API not available' }]);
  assert.equal((await drawnCpu(page)).layers, 0, 'no metrics-server: no CPU drawn');

  await lab.run('lab addons enable metrics-server');
  await lab.run('lab load start php-apache -c 1 --no-keepalive');
  await lab.run('lab advance 3m');
  await lab.run('lab time pause');
  const top = await topPods(lab);
  const chips = (await drawnCpu(page)).chips;
  const [php] = await lab.podNames('php-apache-');
  const [plain] = await lab.podNames('plain-');
  const pct = Math.floor((top.get(php) * 100) / 200);
  assert.ok(pct > 100, `php-apache under load uses more than its request (${top.get(php)}m)`);
  assert.deepEqual(chips[php], { words: `cpu ${pct}% of 200m`, bar: 48, over: true });
  assert.deepEqual(chips[plain], { words: `cpu ${top.get(plain)}m, no request`, bar: null, over: null });
  await lab.screenshot('pod-cpu-chips');

  // A crowded node's squares: 60 pods requesting 20m, two connections on their Service (each
  // request a random endpoint: ~10 a minute a pod, 100 ms of CPU each, so some pods go over
  // their request and most do not).
  await lab.run('lab time play');
  await lab.run('lab load stop');
  await lab.setManifest(phpApache('crowd', '20m', 60));
  await lab.apply();
  await lab.run('lab advance 30s');
  await lab.run('lab load start crowd -c 2 --no-keepalive');
  await lab.run('lab advance 150s');
  await lab.run('lab time pause');
  const again = await topPods(lab);
  const { squares } = await drawnCpu(page);
  const crowd = Object.keys(squares).filter((n) => n.startsWith('crowd-'));
  assert.ok(crowd.length >= 40, `the crowd's pods are squares (${crowd.length})`);
  let flagged = 0;
  for (const name of crowd) {
    const used = again.get(name);
    assert.ok(used !== undefined, `kubectl top has ${name}`);
    const p = Math.floor((used * 100) / 20);
    // The bar is 10 px for the request: p % of it, at most all of it.
    assert.deepEqual(squares[name], { bar: Math.min(p, 100) / 10, flag: p > 100, listed: true }, `${name}: ${used}m of 20m`);
    if (p > 100) flagged += 1;
  }
  assert.ok(flagged > 0 && flagged < crowd.length, `some squares are over their request, not all (${flagged} of ${crowd.length})`);
  await page.getByTestId('node-node-1').scrollIntoViewIfNeeded();
  await lab.screenshot('pod-cpu-squares');
  await page.getByTestId('node-node-1').screenshot({ path: `${ARTIFACTS}pod-cpu-squares-node-1.png` });

  // metrics-server gone: kubectl top cannot answer, and the map draws no CPU.
  await lab.run('lab time play');
  await lab.run('lab addons disable metrics-server');
  await lab.run('lab advance 30s');
  await lab.run('kubectl top pod');
  assert.deepEqual(await lab.lastOutput(), [{ stderr: true, text: 'error: Metrics API not available' }]);
  assert.equal((await drawnCpu(page)).layers, 0, 'metrics-server disabled: no CPU drawn');
  assert.deepEqual(errors, []);
  await context.close();
});
