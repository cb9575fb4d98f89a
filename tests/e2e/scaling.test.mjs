// At 1280×720, while an HPA scales php-apache under load, the requests chart and the HPA's
// chart (replicas, CPU utilization against the target) sit side by side over the map, both
// wholly in the window without scrolling: with lesson 17d open and once it is left.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, newPage } from './harness.mjs';
import { LabPage } from './lab-page.mjs';

const env = useLab();

/** Both charts' boxes, and whether each is wholly inside the window. */
async function charts(page) {
  return page.evaluate(() => {
    const box = (id) => {
      const r = document.querySelector(`[data-testid="${id}"]`)?.getBoundingClientRect();
      if (!r) return null;
      const inView = r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight;
      return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width, inView };
    };
    return { traffic: box('traffic-chart'), hpa: box('hpa-panel-chart'), scrollY: document.scrollingElement.scrollTop };
  });
}

function assertSideBySide(c, when) {
  assert.ok(c.traffic && c.hpa, `both charts are drawn ${when}`);
  assert.ok(c.traffic.inView, `the requests chart is wholly in view ${when}: ${JSON.stringify(c.traffic)}`);
  assert.ok(c.hpa.inView, `the HPA's chart is wholly in view ${when}: ${JSON.stringify(c.hpa)}`);
  assert.ok(c.hpa.left >= c.traffic.right, `the HPA's chart is right of the requests chart ${when}`);
  assert.ok(c.hpa.top < c.traffic.bottom && c.traffic.top < c.hpa.bottom, `on the same row ${when}`);
  // Drawn at their natural size, not shrunk: their 11-12 px text stays readable.
  assert.ok(c.traffic.width >= 350 && c.hpa.width >= 360, `full size ${when}: ${c.traffic.width}, ${c.hpa.width}`);
}

test('at 1280×720 the traffic chart and the HPA\'s chart are side by side in view, lesson open or closed', { timeout: 240_000 }, async () => {
  const { page, context, errors } = await newPage(env.browser, { viewport: { width: 1280, height: 720 } });
  const lab = new LabPage(page);
  await lab.open(env.server.url, { seed: 17 });
  await page.getByTestId('lesson-picker').selectOption('17d-k8s-autoscaling');
  await page.getByTestId('lesson-start').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="lesson-open"]')?.dataset.step === '0');
  await lab.run('lab addons enable metrics-server');
  await lab.run('kubectl apply -f php-apache.yaml');
  await lab.run('lab advance 80s');
  await lab.run('kubectl autoscale deployment php-apache --cpu-percent=50 --min=1 --max=10');
  // Before any load: the HPA's chart, and where the requests chart will be.
  await page.getByTestId('scaling-no-load').waitFor();
  await lab.run('lab load start php-apache -c 1 --no-keepalive');
  await lab.run('lab advance 3m');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="hpa-panel-chart"]')?.dataset.replicas) >= 4);
  // Held still while the page and kubectl are compared.
  await lab.run('lab time pause');
  const chart = page.getByTestId('hpa-panel-chart');
  const title = await page.getByTestId('hpa-panel-title').innerText();
  const { replicas, utilization, target } = await chart.evaluate((el) => el.dataset);
  assert.equal(title, `HPA php-apache: cpu ${utilization}%/${target}%, ${replicas} replicas`);
  assert.equal(target, '50');
  // kubectl reads the same numbers: the HPA's TARGETS, and the replicas it set on the Deployment.
  await lab.run('kubectl get hpa php-apache --no-headers');
  const [row] = (await lab.lastOutput()).map((r) => r.text.split(/\s{2,}/));
  assert.equal(row[2], `cpu: ${utilization}%/50%`);
  await lab.run('kubectl get deployment php-apache -o jsonpath={.spec.replicas}');
  assert.equal((await lab.lastOutput())[0].text, replicas);
  // The step line climbs from 1 replica to today's count; the bars are the syncs' readings.
  const points = (await chart.locator('[data-testid="hpa-panel-replicas"]').getAttribute('points')).split(' ');
  assert.ok(points.length > 4, 'a line through the syncs');
  assert.ok(await chart.locator('rect.hpa-util').count() > 4, 'utilization bars');
  assert.equal(await page.getByTestId('hpa-panel-replicas-label').textContent(), `${replicas} replicas`);
  assert.equal(await page.getByTestId('traffic-chart').count(), 1, 'the requests chart is drawn once, beside the HPA\'s');
  await page.getByTestId('traffic-chart-elsewhere').waitFor();

  assertSideBySide(await charts(page), 'with the lesson open');
  await lab.screenshot('hpa-traffic-side-by-side-lesson');
  await page.getByTestId('lesson-close').click();
  await page.waitForFunction(() => !document.querySelector('[data-testid="lesson-open"]'));
  assertSideBySide(await charts(page), 'with the lesson left');
  await lab.screenshot('hpa-traffic-side-by-side');
  assert.deepEqual(errors, []);
  await context.close();
});
