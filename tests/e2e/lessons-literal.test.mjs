// Every lesson as a literal reader takes it, through the page: for each step, click its
// command buttons in order (no waiting between them), type the commands its text shows
// into the console, then let the clock run at 60× until every objective ticks. The steps
// come from lessons-literal.json, which the native walk (crates/lab/tests/lessons_walk.rs)
// writes from the same lessons and checks is current.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { useLab, newPage } from './harness.mjs';
import { LabPage, lastCommandNumber, waitForCommand } from './lab-page.mjs';

const env = useLab();
const plan = JSON.parse(await readFile(new URL('./lessons-literal.json', import.meta.url), 'utf8'));

/** Wall ms a step's objectives may take once its commands ran (ten simulated minutes at 60× is 10 s). */
const STEP_PATIENCE_MS = 40_000;

/** Types one command (a multi-line one is pasted, as a reader copies a block), and waits for it to run. */
async function type(page, text) {
  // By number, not by count: once the transcript holds its 2,000 lines a command's output
  // can push older commands out, so the count of commands shown may fall as one runs.
  const before = await page.evaluate(lastCommandNumber);
  const input = page.getByTestId('console-input');
  await page.waitForFunction(() => !document.querySelector('[data-testid="console-input"]').readOnly);
  if (text.includes('\n')) {
    await input.evaluate((el, t) => {
      const data = new DataTransfer();
      data.setData('text', t);
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, text);
  } else {
    await input.fill(text);
    await input.press('Enter');
  }
  await waitForCommand(page, before);
  await page.waitForFunction(() => !document.querySelector('[data-testid="console-input"]').readOnly);
}

/** The objectives of the open step not met yet. */
function unmet(page, ids) {
  return page.evaluate(
    (list) => list.filter((i) => document.querySelector(`[data-testid="objective-${i}"]`)?.dataset.done !== 'true'),
    ids,
  );
}

test('a literal reader completes every lesson through the page', { timeout: 600_000 }, async () => {
  const { page, context, errors } = await newPage(env.browser);
  const lab = new LabPage(page);
  await lab.open(env.server.url, { seed: 1 });
  const problems = [];
  for (const lesson of plan) {
    // As a reader picks the next lesson: with a lesson open and commands run, the page asks
    // before it resets the lab, and the reader says yes; otherwise the picked lesson starts.
    await page.getByTestId('lesson-picker').selectOption(lesson.id);
    const shown = (id, testids) =>
      page.waitForFunction(
        ([id, testids]) =>
          testids.some((t) => document.querySelector(`[data-testid="${t}"]`)) ||
          (document.querySelector('[data-testid="lesson-open"]')?.dataset.lesson === id && !document.querySelector('[data-testid="confirm-reset"]')),
        [id, testids],
      );
    await shown(lesson.id, ['lesson-start', 'confirm-reset']);
    if (await page.getByTestId('lesson-start').count()) {
      await page.getByTestId('lesson-start').click();
      await shown(lesson.id, ['confirm-reset']);
    }
    if (await page.getByTestId('confirm-reset-yes').count()) await page.getByTestId('confirm-reset-yes').click();
    await page.waitForFunction((id) => document.querySelector('[data-testid="lesson-open"]')?.dataset.lesson === id, lesson.id);
    await page.waitForFunction(() => document.querySelector('[data-testid="lesson-open"]')?.dataset.step === '0');
    await lab.setSpeed(60);
    for (const [si, step] of lesson.steps.entries()) {
      if (si > 0) {
        await page.getByTestId('lesson-next').click();
        await page.waitForFunction((n) => document.querySelector('[data-testid="lesson-open"]')?.dataset.step === String(n), si);
      }
      for (let i = 0; i < step.buttons; i++) await page.getByTestId(`lesson-command-${i}`).click();
      for (const line of step.typed) await type(page, line);
      try {
        await page.waitForFunction(
          (ids) => ids.every((i) => document.querySelector(`[data-testid="objective-${i}"]`)?.dataset.done === 'true'),
          step.objectives,
          { timeout: STEP_PATIENCE_MS },
        );
      } catch {
        const out = await lab.consoleOutput.textContent();
        problems.push(`${lesson.id} step ${si + 1}: unmet ${(await unmet(page, step.objectives)).join(', ')}\n${out.slice(-1500)}`);
        await lab.screenshot(`lessons-literal-${lesson.id}-${si + 1}`);
        break;
      }
    }
    // A reader still logged in to a machine leaves it before the next lesson.
    if ((await page.getByTestId('prompt-sign').textContent()).trim() !== '$') await type(page, 'exit');
  }
  assert.deepEqual(problems, []);
  // Every lesson counts as complete: each objective of each step ticked.
  assert.equal(await page.getByTestId('lessons-progress').textContent(), `${plan.length} of ${plan.length} done`);
  assert.deepEqual(errors, []);
  await context.close();
});
