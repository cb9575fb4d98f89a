// Page object for the lab: every selector lives here, specs speak in the lab's own words.
import { mkdir } from 'node:fs/promises';
import { ARTIFACTS } from './harness.mjs';

export const WORKERS = ['node-1', 'node-2', 'node-3'];

/**
 * In the page: the session's number of the last command line in the console (-1: none).
 * It only grows: the console keeps its last 2,000 lines, so once it is full a command's
 * output can push older commands out at the top and the count of `.cmd` lines shown can
 * fall as a command runs; but each line keeps its number (`data-printed` counts every line
 * printed, dropped ones included). For `page.evaluate`.
 */
export function lastCommandNumber() {
  const out = document.querySelector('[data-testid="console-output"]');
  const spans = out.children;
  for (let i = spans.length - 1; i >= 0; i--) {
    if (spans[i].classList.contains('cmd')) return Number(out.dataset.printed) - spans.length + i;
  }
  return -1;
}

/** Waits until a command line numbered after `before` (from `lastCommandNumber`) is shown; with `line`, until the last is `$ line`. */
export function waitForCommand(page, before, line = null) {
  return page.waitForFunction(
    ([n, l]) => {
      // lastCommandNumber, inline (the page's CSP allows no eval to share it).
      const out = document.querySelector('[data-testid="console-output"]');
      const spans = out.children;
      let i = spans.length - 1;
      while (i >= 0 && !spans[i].classList.contains('cmd')) i--;
      return i >= 0 && Number(out.dataset.printed) - spans.length + i > n && (l === null || spans[i].textContent === `$ ${l}\n`);
    },
    [before, line],
  );
}

export class LabPage {
  constructor(page) {
    this.page = page;
    this.map = page.getByTestId('cluster-map');
    this.editor = page.getByTestId('yaml-editor');
    this.applyButton = page.getByTestId('apply-button');
    this.output = page.getByTestId('apply-output');
    this.problems = page.getByTestId('apply-problems');
    this.clock = page.getByTestId('sim-clock');
    this.consoleInput = page.getByTestId('console-input');
    this.consoleOutput = page.getByTestId('console-output');
    this.inspector = page.getByTestId('inspector');
    this.traffic = page.getByTestId('traffic');
  }

  /** Types a command into the console, presses Enter and waits for its echo. */
  async run(line) {
    const before = await this.page.evaluate(lastCommandNumber);
    await this.consoleInput.fill(line);
    await this.consoleInput.press('Enter');
    await waitForCommand(this.page, before, line);
    // `lab advance` runs over the next ticks; the prompt is read-only until it is done.
    await this.page.waitForFunction(() => !document.querySelector('[data-testid="console-input"]').readOnly);
  }

  /** What the console printed for its last command: [{ stderr, text }]. */
  async lastOutput() {
    return this.consoleOutput.evaluate((out) => {
      const spans = [...out.children];
      let i = spans.length - 1;
      while (i >= 0 && !spans[i].classList.contains('cmd')) i--;
      return spans.slice(i + 1).map((s) => ({ stderr: s.classList.contains('stderr'), text: s.textContent.replace(/\n$/, '') }));
    });
  }

  /** Runs `kubectl explain TARGET` until the schema the page fetches after it starts has
   * arrived (until then explain says it is still loading); resolves to its output lines. */
  async explainOnceLoaded(target) {
    let rows = [];
    for (let i = 0; i < 50; i++) {
      await this.run(`kubectl explain ${target}`);
      rows = (await this.lastOutput()).map((r) => r.text);
      if (!rows[0].includes('still loading')) break;
      await this.page.waitForTimeout(100);
    }
    return rows;
  }

  /** Waits until the console shows `text` somewhere. */
  async waitForConsoleText(text) {
    await this.page.waitForFunction((t) => document.querySelector('[data-testid="console-output"]')?.textContent.includes(t), text);
  }

  async setSpeed(n) {
    const button = this.page.getByTestId(`speed-${n}`);
    await button.click();
    await this.page.waitForFunction((k) => document.querySelector(`[data-testid="speed-${k}"]`).getAttribute('aria-pressed') === 'true', n);
  }

  async inspectNode(name) {
    await this.page.getByTestId(`inspect-node-${name}`).click();
    await this.waitForInspector('node', name);
  }

  async inspectPod(name) {
    await this.page.getByTestId(`pod-${name}`).click();
    await this.waitForInspector('pod', name);
  }

  async waitForInspector(kind, name) {
    await this.page.waitForFunction(
      ([k, n]) => {
        const i = document.querySelector('[data-testid="inspector"]');
        return i?.dataset.kind === k && i?.dataset.name === n;
      },
      [kind, name],
    );
  }

  /** Presses one of the inspector's action buttons (`node-power-off`, `pod-delete`...). */
  async act(action) {
    await this.page.getByTestId(`action-${action}`).click();
  }

  /** Waits for a node's drawn status (`Ready`, `NotReady`...). */
  async waitForNodeStatus(name, status) {
    await this.page.waitForFunction(
      ([n, s]) => document.querySelector(`[data-testid="node-${n}"]`)?.getAttribute('data-status') === s,
      [name, status],
    );
  }

  /** Names of the pods drawn whose names start with `prefix`, sorted. */
  async podNames(prefix = '') {
    return (await this.pods(prefix)).map((p) => p.name).sort();
  }

  /** Waits until the lab saved in this browser has been replayed after a load. */
  async waitForRestored() {
    await this.waitForConsoleText('Restored your lab');
  }

  /** Opens the lab (optionally with a fixed seed) and waits for the cluster to be drawn with
   * its three workers Ready; resolves to the milliseconds that took. */
  async open(baseUrl, { seed } = {}) {
    const started = performance.now();
    await this.page.goto(seed === undefined ? baseUrl : `${baseUrl}?seed=${seed}`);
    await this.page.waitForFunction(
      (workers) => workers.every((w) => document.querySelector(`[data-testid="node-${w}"]`)?.getAttribute('data-status') === 'Ready'),
      WORKERS,
    );
    return performance.now() - started;
  }

  node(name) {
    return this.page.getByTestId(`node-${name}`);
  }

  /** Simulated milliseconds since boot, as the clock shows them. */
  async simMillis() {
    return Number(await this.clock.getAttribute('data-ms'));
  }

  /** Focuses the editor with the caret `offset` characters into the first occurrence of `needle`. */
  async selectText(needle, offset = 0) {
    await this.editor.focus();
    await this.editor.evaluate(
      (t, [n, o]) => {
        const at = t.value.indexOf(n);
        if (at < 0) throw new Error(`${n} is not in the editor`);
        t.setSelectionRange(at + o, at + n.length);
      },
      [needle, offset],
    );
  }

  async setManifest(text) {
    await this.editor.fill(text);
  }

  async apply() {
    await this.applyButton.click();
  }

  /** Waits until `count` pods whose names start with `prefix` report data-ready="true". */
  async waitForReadyPods(prefix, count) {
    await this.page.waitForFunction(
      ([p, n]) => document.querySelectorAll(`[data-testid^="pod-${p}"][data-ready="true"]`).length === n,
      [prefix, count],
    );
  }

  /** Every pod chip with its status and the node box it sits in (null: unscheduled). */
  async pods(prefix = '') {
    return this.page.$$eval(`[data-testid^="pod-${prefix}"]`, (chips) =>
      chips.map((c) => ({
        name: c.getAttribute('data-testid').slice('pod-'.length),
        status: c.getAttribute('data-status'),
        ready: c.getAttribute('data-ready') === 'true',
        node: c.closest('[data-testid^="node-"]')?.getAttribute('data-testid').slice('node-'.length) ?? null,
      })),
    );
  }

  /** The inspector's Why: each step's time, who and rule, oldest first. */
  async whySteps() {
    return this.page.$$eval('[data-testid^="why-step-"]', (steps) =>
      steps.map((s) => ({
        who: s.dataset.actor,
        at: Number(s.dataset.at),
        rule: s.querySelector('.why-rule')?.textContent ?? '',
      })),
    );
  }

  /** The index of the first Why step whose component starts with `who`. */
  async whyStepIndex(who) {
    const i = (await this.whySteps()).findIndex((s) => s.who.startsWith(who));
    if (i < 0) throw new Error(`no Why step by ${who}: ${JSON.stringify(await this.whySteps())}`);
    return i;
  }

  whyStep(i) {
    return this.page.getByTestId(`why-step-${i}`);
  }

  /** The console's transcript entry of journal line `line` (a button: what it caused). */
  consoleCommand(line) {
    return this.page.getByTestId(`console-cmd-${line}`);
  }

  /** Names of the pods the map marks as lit (◆), sorted. */
  async litPods() {
    await this.defineLitPodNames();
    return this.page.evaluate(() => window.litPodNames().sort());
  }

  /** Adds `litPodNames()` to the page: chips marked ◆ and squares in a crowded node's lit path. */
  async defineLitPodNames() {
    await this.page.evaluate(() => {
      window.litPodNames = () => [
        ...[...document.querySelectorAll('[data-testid^="lit-"]')].map((l) => l.dataset.testid.slice('lit-'.length)),
        ...[...document.querySelectorAll('.lit-squares')].flatMap((p) => p.dataset.lit.split(' ')),
      ];
    });
  }

  /** The control-plane part a Why step points at (api, scheduler, controllers, kubelets), or null. */
  async whyPart() {
    return this.page.$$eval('[data-testid^="cp-"][data-why="true"]', (ps) => ps.map((p) => p.dataset.testid.slice(3))[0] ?? null);
  }

  async problemLines() {
    return this.problems.locator('li').allInnerTexts();
  }

  async screenshot(name) {
    await mkdir(ARTIFACTS, { recursive: true });
    const path = `${ARTIFACTS}${name}.png`;
    await this.page.screenshot({ path });
    return path;
  }
}

/** A Deployment manifest, as a learner would write it. */
export function deployment({ name, replicas = 3, image = 'nginx:1.25', podLabel = name, replicasKey = 'replicas' }) {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  ${replicasKey}: ${replicas}
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${podLabel}
    spec:
      containers:
      - name: web
        image: ${image}
`;
}
