// An HPA is drawn beside its Deployment: TARGETS as kubectl get hpa reads them, and a small
// chart of its syncs (replicas, utilization) that grows under the lab's load generator; the
// pod inspector shows a pod's CPU against its request and limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, newPage } from './harness.mjs';
import { LabPage } from './lab-page.mjs';

const env = useLab();

const PHP_APACHE = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: php-apache
spec:
  selector:
    matchLabels:
      run: php-apache
  template:
    metadata:
      labels:
        run: php-apache
    spec:
      containers:
      - name: php-apache
        image: registry.k8s.io/hpa-example
        ports:
        - containerPort: 80
        resources:
          limits:
            cpu: 500m
          requests:
            cpu: 200m
---
apiVersion: v1
kind: Service
metadata:
  name: php-apache
spec:
  ports:
  - port: 80
  selector:
    run: php-apache
`;

test('the HPA beside php-apache shows its utilization and scales it up under load', { timeout: 240_000 }, async () => {
  const { page, context, errors } = await newPage(env.browser);
  const lab = new LabPage(page);
  await lab.open(env.server.url, { seed: 17 });
  await lab.run('lab addons enable metrics-server');
  await lab.setManifest(PHP_APACHE);
  await lab.apply();
  await lab.run('kubectl autoscale deployment php-apache --cpu-percent=50 --min=1 --max=10');
  const targets = page.getByTestId('hpa-targets-php-apache');
  await targets.waitFor();
  assert.equal(await targets.innerText(), 'HPA cpu <unknown>/50%');

  await lab.run('lab advance 90s');
  await page.waitForFunction(() => document.querySelector('[data-testid="hpa-targets-php-apache"]')?.textContent === 'HPA cpu 0%/50%');
  await lab.run('lab load start php-apache -c 1 --no-keepalive');
  await lab.run('lab advance 3m');
  // Scaled up: the Deployment asks for more replicas, and the chart has a line and bars.
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="deploy-php-apache"]')?.dataset.replicas) >= 4);
  const chart = page.getByTestId('hpa-chart-php-apache');
  assert.ok((await chart.locator('polyline').getAttribute('points')).split(' ').length > 10);
  assert.ok(await chart.locator('rect').count() > 0);
  await lab.screenshot('hpa-beside-deployment');
  // The pod inspector reads a pod's CPU as kubectl top does, against its request and limit,
  // in words beside its bar (each pod measured once the load stops and a scrape has passed).
  await lab.run('lab load stop');
  await lab.run('lab advance 90s');
  const [first] = await lab.podNames('php-apache-');
  await lab.inspectPod(first);
  await page.waitForFunction(() =>
    /^\s*\d+m: \d+% of its 200m request, limit 500m$/.test(document.querySelector('[data-testid="inspector-cpu"]')?.textContent ?? ''));
  assert.equal(await page.getByTestId('inspector-cpu').locator('svg rect.cpu-used').count(), 1);
  await lab.screenshot('hpa-pod-cpu');
  assert.deepEqual(errors, []);
  await context.close();
});
