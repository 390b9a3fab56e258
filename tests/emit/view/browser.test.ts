/**
 * The HTML report in a real browser: Chromium (found by tests/helpers/chromium.ts — installed by
 * `npm run setup:test`, or named by LIBCC_CHROMIUM) opens the self-contained report of
 * examples/n2_tanager headless, with the network off; the critical path's nodes must be drawn —
 * present, visible, with a real size — and a screenshot taken. Without a browser the test is
 * skipped with the reason on a workstation, and fails under CI.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchTestBrowser } from '../../helpers/chromium.js';
import { runCli } from '../../helpers/cli.js';

let browser: Browser | undefined;
let missing: string | undefined;
let dir: string;

beforeAll(async () => {
  ({ browser, missing } = await launchTestBrowser());
  if (browser === undefined) return;
  dir = mkdtempSync(join(tmpdir(), 'libcc-browser-'));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('libcc graph --format html in headless Chromium', () => {
  it('draws the critical path and the tables', async (ctx) => {
    if (missing !== undefined || browser === undefined) return ctx.skip(missing);
    const run = await runCli('graph', 'examples/n2_tanager/flow.lcp', '--format', 'html', '--slots', '64');
    expect(run.code).toBe(0);
    const report = join(dir, 'report.html');
    writeFileSync(report, run.stdout);

    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const requests: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith('file:')) requests.push(request.url());
    });
    await page.goto(pathToFileURL(report).href);

    const critical = page.locator('svg [data-critical="true"].node');
    const names = await critical.evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-name')));
    expect(names).toEqual(['copy_kits', 'lvf', 'post_lvf', 'merge_lvf', 'release']);
    for (let i = 0; i < names.length; i++) {
      const box = await critical.nth(i).boundingBox();
      expect(box, `${names[i]} is drawn`).not.toBeNull();
      expect(box!.width).toBeGreaterThan(20);
      expect(box!.height).toBeGreaterThan(10);
      await expect(critical.nth(i).isVisible()).resolves.toBe(true);
    }
    expect(await page.locator('table').count()).toBeGreaterThanOrEqual(2);
    // The slot-capped schedule (--slots 64) as a Gantt: a bar per job, critical ones red.
    const bars = page.locator('svg.gantt rect.bar');
    expect(await bars.count()).toBeGreaterThan(5);
    const first = await bars.first().boundingBox();
    expect(first!.width).toBeGreaterThanOrEqual(1);
    const red = page.locator('svg.gantt rect.bar[fill="#d62728"]');
    expect(await red.count(), 'one red bar per critical job').toBe(names.length);
    expect((await red.last().boundingBox())!.x).toBeGreaterThan((await red.first().boundingBox())!.x);
    expect(await page.textContent('body')).toContain('17h 15m');

    const screenshot = join(dir, 'report.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    expect(statSync(screenshot).size).toBeGreaterThan(10_000);
    expect(requests, 'the report is self-contained').toEqual([]);
    await page.close();
  });
});
