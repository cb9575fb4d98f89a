// "Why" on the page: the inspector's chain of decisions behind a pod, lighting on hover the
// component that decided and what it wrote, and moving the timeline to a step; a console
// command's effects lit on the map ("blast radius"); a failing pod's reason on the map.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, newPage } from './harness.mjs';
import { LabPage } from './lab-page.mjs';

const env = useLab();

/** A lab with `web` rolled out from nginx:1.25 to 1.26 (journal lines 1 and 2): resolves to
 * the names of its new pods. */
async function rolledOut(page, lab) {
  await lab.open(env.server.url, { seed: 12 });
  await lab.setSpeed(20);
  await lab.run('kubectl create deployment web --image=nginx:1.25 --replicas=2');
  await lab.waitForReadyPods('web-', 2);
  const before = await lab.podNames('web-');
  await lab.run('kubectl set image deployment/web nginx=nginx:1.26');
  await page.waitForFunction((old) => {
    const ready = [...document.querySelectorAll('[data-testid^="pod-web-"][data-ready="true"]')].map((p) => p.dataset.testid);
    const all = document.querySelectorAll('[data-testid^="pod-web-"]').length;
    return all === 2 && ready.length === 2 && ready.every((t) => !old.includes(t.slice(4)));
  }, before);
  return lab.podNames('web-');
}

test('a pod\'s Why after a rollout shows the chain; hovering a step lights its component and pod; clicking moves the timeline', { timeout: 240_000 }, async () => {
  const { page, context, errors } = await newPage(env.browser);
  const lab = new LabPage(page);
  const [pod] = await rolledOut(page, lab);
  await lab.setSpeed(1);
  await lab.inspectPod(pod);
  await page.getByTestId('inspector-why').waitFor();
  const steps = await lab.whySteps();
  const who = steps.map((s) => s.who);
  assert.equal(who[0], 'console (line 2)', JSON.stringify(steps));
  assert.equal(steps[0].rule, 'kubectl set image deployment/web nginx=nginx:1.26');
  const at = (w) => lab.whyStepIndex(w);
  assert.ok((await at('deployment-controller')) < (await at('replicaset-controller')), who.join(' → '));
  assert.ok((await at('replicaset-controller')) < (await at('default-scheduler')), who.join(' → '));
  assert.ok((await at('default-scheduler')) < (await at('kubelet on node-')), who.join(' → '));
  assert.ok(steps.every((s, i) => i === 0 || steps[i - 1].at <= s.at), 'oldest first');

  // Hovering the kubelet's step lights the kubelets on the strip and the pod on the map.
  assert.equal(await lab.whyPart(), null);
  await lab.whyStep(await at('kubelet on node-')).hover();
  await page.waitForFunction(() => document.querySelector('[data-testid="cp-kubelets"]')?.dataset.why === 'true');
  assert.match(await page.getByTestId('cp-kubelets').textContent(), /◆ this step/);
  assert.deepEqual(await lab.litPods(), [pod]);
  await lab.screenshot('why-hover');
  // Keyboard focus does the same: the scheduler's step lights the scheduler.
  await lab.whyStep(await at('default-scheduler')).focus();
  await page.waitForFunction(() => document.querySelector('[data-testid="cp-scheduler"]')?.dataset.why === 'true');
  assert.equal(await lab.whyPart(), 'scheduler');

  // Enter on the replicaset controller's step: the timeline goes to that moment.
  const rsStep = steps[await at('replicaset-controller')];
  await lab.whyStep(await at('replicaset-controller')).focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid="timeline-label"]')?.textContent.includes('Looking back'));
  await page.waitForFunction((t) => Number(document.querySelector('[data-testid="sim-clock"]').dataset.ms) === t, rsStep.at);
  await lab.screenshot('why-timeline');
  assert.equal(await lab.whyStep(await at('replicaset-controller')).getAttribute('aria-current'), 'step');

  // Legible on a projector: presenter mode at 1280x720 keeps the steps readable.
  await page.getByTestId('presenter-toggle').click();
  await page.getByTestId('inspector-why').waitFor();
  const size = await lab.whyStep(0).evaluate((b) => parseFloat(getComputedStyle(b).fontSize));
  assert.ok(size >= 16, `the steps' type in presenter mode: ${size}px`);
  await lab.screenshot('why-presenter');
  assert.deepEqual(errors, []);
  await context.close();
});

test('clicking a command in the console lights what it caused; again, or Esc, clears it; a timeline mark does the same', { timeout: 180_000 }, async () => {
  const { page, context, errors } = await newPage(env.browser);
  const lab = new LabPage(page);
  await lab.open(env.server.url, { seed: 12 });
  await lab.setSpeed(20);
  await lab.run('kubectl create deployment web --image=nginx:1.25 --replicas=3');
  await lab.run('kubectl run solo --image=nginx:1.25');
  await lab.waitForReadyPods('web-', 3);
  await lab.waitForReadyPods('solo', 1);
  const web = await lab.podNames('web-');
  assert.equal(await lab.consoleCommand(1).getAttribute('aria-pressed'), 'false');
  await lab.consoleCommand(1).click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid^="lit-"]').length > 0);
  assert.deepEqual(await lab.litPods(), web, 'the Deployment\'s pods, not solo');
  assert.match(await page.getByTestId('why-status').textContent(), /Command 1 caused: .*3 Pods/);
  assert.equal(await lab.consoleCommand(1).getAttribute('aria-pressed'), 'true');
  await lab.screenshot('why-blast');
  // Again: cleared.
  await lab.consoleCommand(1).click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid^="lit-"]').length === 0);
  // The keyboard: Enter on the entry, Esc clears.
  await lab.consoleCommand(2).focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid^="lit-"]').length === 1);
  assert.deepEqual(await lab.litPods(), ['solo']);
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid^="lit-"]').length === 0);
  assert.equal(await page.getByTestId('why-status').count(), 0);
  // The timeline's mark for line 1.
  await page.getByTestId('mark-1').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid^="lit-"]').length === 3);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a Pending pod shows its reason on the map', { timeout: 120_000 }, async () => {
  const { page, context, errors } = await newPage(env.browser);
  const lab = new LabPage(page);
  await lab.open(env.server.url, { seed: 12 });
  await lab.setManifest(`apiVersion: v1
kind: Pod
metadata:
  name: big
spec:
  containers:
  - name: c
    image: nginx:1.25
    resources:
      requests:
        cpu: "30"
`);
  await lab.apply();
  const reason = page.getByTestId('reason-big');
  await reason.waitFor();
  assert.equal(await reason.textContent(), 'Pending: Insufficient cpu');
  assert.equal(await page.getByTestId('pod-big').getAttribute('data-reason'), 'Pending: Insufficient cpu');
  assert.match(await page.getByTestId('pod-big').getAttribute('aria-label'), /Pending: Insufficient cpu/);
  // Legible: at least 13 px, within its chip.
  const box = await reason.evaluate((t) => {
    const r = t.getBoundingClientRect();
    const chip = t.closest('[data-testid="pod-big"]').querySelector('.pod-box').getBoundingClientRect();
    return { size: parseFloat(getComputedStyle(t).fontSize), inside: r.right <= chip.right && r.bottom <= chip.bottom };
  });
  await lab.screenshot('why-pending');
  assert.ok(box.size >= 13 && box.inside, JSON.stringify(box));
  assert.deepEqual(errors, []);
  await context.close();
});

test('with 1,000 pods, the Why, a hovered step and a command\'s effects each stay under 50 ms on the main thread', { timeout: 300_000 }, async () => {
  const { page, context, errors } = await newPage(env.browser);
  const lab = new LabPage(page);
  await lab.open(env.server.url, { seed: 12 });
  await lab.setSpeed(60);
  await lab.run('kubectl create deployment many --image=nginx:1.25 --replicas=1000');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid^="pod-many-"]').length === 1000, null, { timeout: 180_000 });
  await lab.run('lab time pause');
  // Long tasks (over 50 ms) from here on.
  await page.evaluate(() => {
    window.longTasks = [];
    new PerformanceObserver((l) => { for (const e of l.getEntries()) window.longTasks.push(e.duration); }).observe({ type: 'longtask' });
  });
  const [pod] = await lab.podNames('many-');
  // A square on a crowded node (the hit test is not what this measures).
  await page.getByTestId(`pod-${pod}`).dispatchEvent('click');
  await lab.waitForInspector('pod', pod);
  await page.getByTestId('inspector-why').waitFor();
  await page.waitForTimeout(200);
  const afterSelect = await page.evaluate(() => window.longTasks.length);
  await lab.whyStep(await lab.whyStepIndex('kubelet')).hover();
  await page.waitForFunction(() => document.querySelector('[data-testid="cp-kubelets"]')?.dataset.why === 'true');
  await page.mouse.move(0, 0);
  await page.waitForTimeout(200);
  const afterHover = await page.evaluate(() => window.longTasks.length);
  await lab.defineLitPodNames();
  await lab.consoleCommand(1).click();
  await page.waitForFunction(() => window.litPodNames().length === 1000);
  await lab.consoleCommand(1).click();
  await page.waitForFunction(() => window.litPodNames().length === 0);
  await page.waitForTimeout(300); // a last frame's long task, if any, is reported
  const longTasks = await page.evaluate(() => window.longTasks);
  console.log(`why with 1,000 pods: long tasks ${JSON.stringify(longTasks.map((d) => Math.round(d)))} (${afterSelect} on selecting, ${afterHover - afterSelect} on hovering, the rest lighting and clearing 1,000 pods)`);
  assert.deepEqual(longTasks, [], 'no main-thread task over 50 ms');
  assert.deepEqual(errors, []);
  await context.close();
});
