import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { artifactsDir, launchChromium, skippedWithoutChromium } from '../support/browser';
import { startDemoSystem, type DemoSystem } from '../support/demo-system';

const SIGN_IN = 'Sign in as a demo customer';
const CHART = '#chart svg[role="img"][aria-label^="Usage by day"]';

const USAGE = `query ($id: ID!, $from: DateTime!, $to: DateTime!, $direction: FlowDirection) {
  usagePoint(id: $id) { timeZone usage(from: $from, to: $to, resolution: DAY, direction: $direction) { buckets { start end value } } }
}`;
const INTERVALS = `query ($id: ID!, $from: DateTime!, $to: DateTime!) {
  usagePoint(id: $id) { intervals(from: $from, to: $to, first: 1000) { edges { node { start value } } } }
}`;
const SOLAR = `{ usagePoints(first: 10) { edges { node { id meterReadings(first: 10) { edges { node { readingType { flowDirection } } } } } } } }`;

interface Bar {
  start: string;
  end: string;
  value: string;
}

type Usage = { usagePoint: { timeZone: string; usage: { buckets: Bar[] } } };
type Intervals = { usagePoint: { intervals: { edges: { node: { start: string; value: string } }[] } } };
type UsagePoints = {
  usagePoints: {
    edges: { node: { id: string; meterReadings: { edges: { node: { readingType: { flowDirection: string } } }[] } } }[];
  };
};

/** A page that records what must never happen: console errors, script errors, failed or foreign requests. */
async function watchedPage(browser: Browser, origin: string, viewport: { width: number; height: number }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => message.type() === 'error' && problems.push(`console: ${message.text()}`));
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`failed: ${request.url()}`));
  page.on(
    'response',
    (response) => response.status() >= 400 && problems.push(`${response.status()}: ${response.url()}`),
  );
  page.on('request', (request) => !request.url().startsWith(origin) && problems.push(`foreign: ${request.url()}`));
  return { page, problems };
}

const barsOf = (page: Page, selector: string): Promise<Bar[]> =>
  page.$$eval(`${selector} rect.bar`, (rects) =>
    rects.map((r) => ({
      start: r.getAttribute('data-start') ?? '',
      end: r.getAttribute('data-end') ?? '',
      value: r.getAttribute('data-value') ?? '',
    })),
  );

describe('the demo customer page in headless Chromium', { timeout: 180_000 }, () => {
  if (skippedWithoutChromium()) return;
  let demo: DemoSystem;
  let browser: Browser;
  let token: string;
  before(async () => {
    demo = await startDemoSystem({ DEMO_PAGE: 'true' });
    browser = await launchChromium();
    // The same sign-in the page makes: the same demo customer, for reading the API beside the page.
    const response = await fetch(`${demo.base}/demo/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    token = ((await response.json()) as { token: string }).token;
  });
  after(async () => {
    await browser?.close();
    await demo?.stop();
  });

  const api = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const answer = await demo.api.query(query, variables, token);
    assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
    return answer.data as T;
  };

  it('signs in, draws the 30 days the API serves, shows a day and switches direction (desktop)', async () => {
    const { page, problems } = await watchedPage(browser, demo.base, { width: 1280, height: 800 });
    await page.goto(`${demo.base}/demo`, { waitUntil: 'networkidle' });
    await page.getByRole('button', { name: SIGN_IN }).click();
    await page.waitForSelector(`${CHART} rect.bar`);

    // A solar home: its electric usage point offers delivered and received.
    const points = await api<UsagePoints>(SOLAR);
    const solar = points.usagePoints.edges.find(({ node }) =>
      node.meterReadings.edges.some((e) => e.node.readingType.flowDirection === 'RECEIVED'),
    );
    assert.ok(solar, 'the demo customer has solar');
    const id = solar.node.id;
    await page.selectOption('#usage-point', id);
    await page.waitForSelector(`#chart[data-series="${id} DELIVERED"] ${CHART.slice('#chart '.length)}`);

    const bars = await barsOf(page, CHART);
    assert.equal(bars.length, 30);
    const delivered = await api<Usage>(USAGE, { id, from: bars[0].start, to: bars[29].end, direction: 'DELIVERED' });
    assert.deepEqual(bars, delivered.usagePoint.usage.buckets);
    const [{ midnight }] = (await demo.api.system.database.dataSource.query(
      `SELECT date_trunc('day', now() AT TIME ZONE $1) AT TIME ZONE $1 AS midnight`,
      [delivered.usagePoint.timeZone],
    )) as { midnight: Date }[];
    assert.equal(bars[29].end, midnight.toISOString(), 'the 30 days end at midnight today, local');
    assert.match((await page.textContent('#data-through')) ?? '', /America\//);

    // A day's intervals, exactly those the API serves for it.
    const day = bars[20];
    await page.locator(`${CHART} rect.bar`).nth(20).click();
    await page.waitForSelector('#day-chart svg[role="img"] rect.bar');
    const intervals = await barsOf(page, '#day-chart svg[role="img"]');
    const served = await api<Intervals>(INTERVALS, { id, from: day.start, to: day.end });
    assert.deepEqual(
      intervals.map((b) => ({ start: b.start, value: b.value })),
      served.usagePoint.intervals.edges.map((e) => e.node),
    );
    assert.ok(intervals.length >= 23, `${intervals.length} intervals in a day`);

    // What the house fed back.
    await page.getByLabel('To the grid').check();
    await page.waitForSelector(`#chart[data-series="${id} RECEIVED"] ${CHART.slice('#chart '.length)}`);
    const received = await api<Usage>(USAGE, { id, from: bars[0].start, to: bars[29].end, direction: 'RECEIVED' });
    assert.deepEqual(await barsOf(page, CHART), received.usagePoint.usage.buckets);
    assert.notDeepEqual(received.usagePoint.usage.buckets, delivered.usagePoint.usage.buckets);

    // The token stayed in the script: not in the address, a cookie or storage.
    assert.equal(new URL(page.url()).search, '');
    assert.deepEqual(await page.evaluate('[document.cookie, localStorage.length, sessionStorage.length]'), ['', 0, 0]);
    await page.locator(`${CHART} rect.bar`).nth(25).click();
    await page.waitForSelector('#day-chart svg[role="img"] rect.bar');
    const screenshot = join(artifactsDir, 'demo-desktop.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    assert.ok(existsSync(screenshot));
    assert.deepEqual(problems, []);
  });

  it('works from the keyboard on a phone-sized screen', async () => {
    const { page, problems } = await watchedPage(browser, demo.base, { width: 390, height: 844 });
    await page.goto(`${demo.base}/demo`, { waitUntil: 'networkidle' });
    await page.getByRole('button', { name: SIGN_IN }).focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${CHART} rect.bar`);
    assert.equal((await barsOf(page, CHART)).length, 30);
    // The days table: each day is a button, reachable and pressed with the keyboard.
    await page.locator('#days-table summary').focus();
    await page.keyboard.press('Enter');
    await page.locator('#days-body button').first().focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('#day-chart svg[role="img"] rect.bar');
    const width = (await page.evaluate('document.documentElement.scrollWidth')) as number;
    assert.ok(width <= 390, `no sideways scrolling (${width} px)`);
    const screenshot = join(artifactsDir, 'demo-phone.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    assert.ok(existsSync(screenshot));
    assert.deepEqual(problems, []);
  });
});
