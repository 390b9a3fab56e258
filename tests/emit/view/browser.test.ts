/**
 * The HTML report in a real browser: Debian's Chromium (installed by .ci/run) opens the
 * self-contained report of examples/n2_tanager headless, with the network off; the critical
 * path's nodes must be drawn — present, visible, with a real size — and a screenshot taken.
 */
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';

const CHROMIUM = process.env.LIBCC_CHROMIUM ?? '/usr/bin/chromium';
let browser: Browser;
let dir: string;

beforeAll(async () => {
  expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: .ci/run installs Debian's chromium`).toBe(true);
  dir = mkdtempSync(join(tmpdir(), 'libcc-browser-'));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('libcc graph --format html in headless Chromium', () => {
  it('draws the critical path and the tables', async () => {
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
    expect(await page.textContent('body')).toContain('17h 15m');

    const screenshot = join(dir, 'report.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    expect(statSync(screenshot).size).toBeGreaterThan(10_000);
    expect(requests, 'the report is self-contained').toEqual([]);
    await page.close();
  });
});
