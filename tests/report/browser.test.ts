/**
 * The run report in a real browser: a synthetic run of tests/history/fixtures/timed.lcp with
 * one failure (and its dependant not run), reported with `libcc report`, opened headless with
 * network requests recorded: the matrix cells, the Gantt bars (actual and planned), the failure
 * reason, a screenshot, and no request but the file itself. Without a browser the test is skipped
 * with the reason on a workstation, and fails under CI.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchTestBrowser } from '../helpers/chromium.js';
import { runCli } from '../helpers/cli.js';
import { compileTimed, type TimedRun } from '../history/timed.js';

let browser: Browser | undefined;
let missing: string | undefined;
let dir: string;
let timed: TimedRun;

beforeAll(async () => {
  timed = await compileTimed('libcc-report-browser-');
  const run = await timed.run({ fail: ['tt_0p8v_m40c_typical'] });
  expect(run.code).not.toBe(0);
  ({ browser, missing } = await launchTestBrowser());
  if (browser === undefined) return;
  dir = mkdtempSync(join(tmpdir(), 'libcc-report-'));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  timed?.cleanup();
});

describe('libcc report in headless Chromium', () => {
  it('draws the matrix, the timeline and the failure, with no network request', async (ctx) => {
    if (missing !== undefined || browser === undefined) return ctx.skip(missing);
    const report = join(dir, 'report.html');
    const r = await runCli('report', timed.out, '-o', report);
    expect(r.code, r.stderr).toBe(0);

    const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
    const requests: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith('file:')) requests.push(request.url());
    });
    await page.goto(pathToFileURL(report).href);

    // Matrix: one library row, characterize 5/6 with a failure (red), merge 0/1 not run.
    const cell = (stage: string) => page.locator(`table.matrix td.cell[data-library="cells"][data-stage="${stage}"]`);
    await expect(cell('characterize').textContent()).resolves.toBe('5/6');
    await expect(cell('characterize').getAttribute('data-state')).resolves.toBe('failed');
    await expect(cell('merge').getAttribute('data-state')).resolves.toBe('not run');
    expect(await cell('characterize').evaluate((e) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(e).backgroundColor)).toBe('rgb(229, 62, 62)');
    expect((await cell('characterize').boundingBox())!.width).toBeGreaterThan(30);

    // Drill-down: the library's corner grid opens and shows the failed corner.
    await page.locator('details.library[data-library="cells"] > summary').click();
    const failedCell = page.locator('td.cell[data-job="characterize[cells,tt_0p8v_m40c_typical]"]');
    await expect(failedCell.isVisible()).resolves.toBe(true);
    await expect(failedCell.getAttribute('title')).resolves.toContain('command exited with code 3');

    // Timeline: six actual bars with a real size (the failed one included), planned bars for all 7 jobs.
    const bars = page.locator('svg.timeline rect.actual');
    expect(await bars.count()).toBe(6);
    for (let i = 0; i < 6; i++) {
      const box = await bars.nth(i).boundingBox();
      expect(box).not.toBeNull();
      expect(box!.height).toBeGreaterThan(4);
      expect(box!.width).toBeGreaterThanOrEqual(1);
    }
    expect(await page.locator('svg.timeline rect.planned').count()).toBe(7);
    const ss = await page.locator('svg.timeline rect.actual[data-job="characterize[cells,ss_0p675v_m40c_typical]"]').boundingBox();
    expect(ss!.width, 'a 1.2 s job is wider than a pixel').toBeGreaterThan(1);

    // The failure reason and the command's output.
    const body = (await page.textContent('body'))!;
    expect(body).toContain('command exited with code 3 (attempt 1)');
    expect(body).toContain('boom at tt_0p8v_m40c_typical');
    expect(await page.locator('table.critical-path.actual tbody tr').count()).toBeGreaterThanOrEqual(1);

    const screenshot = join(dir, 'report.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    expect(statSync(screenshot).size).toBeGreaterThan(10_000);
    if (process.env.LIBCC_KEEP_SCREENSHOT) (await import('node:fs')).copyFileSync(screenshot, process.env.LIBCC_KEEP_SCREENSHOT);
    expect(requests, 'the report is self-contained').toEqual([]);
    await page.close();
  }, 60_000);
});
