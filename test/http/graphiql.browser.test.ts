import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig, type Config } from '../../src/config';
import { Role } from '../../src/auth/roles';
import { mintToken } from '../../src/auth/tokens';
import { createLogger } from '../../src/logger';
import { startSystem, type RunningSystem } from '../../src/main';
import { artifactsDir, launchChromium, skippedWithoutChromium } from '../support/browser';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { toGlobalId } from '../../src/services/access/global-id';
import { importFile } from '../../src/services/import/import-file';
import { writeFeed, type FeedSpec } from '../import/feed';

const logger = createLogger('silent');
const dir = mkdtempSync(join(tmpdir(), 'graphiql-feed-'));
const feed: FeedSpec = { usagePoints: [1], start: Date.UTC(2024, 2, 9, 5) / 1000, count: 4, value: (_u, n) => 100 + n };

describe('GraphiQL in headless Chromium', { timeout: 180_000 }, () => {
  if (skippedWithoutChromium()) return;
  let db: TestDatabase;
  let system: RunningSystem;
  let config: Config;
  before(async () => {
    db = await createTestDatabase('graphiql');
    config = loadConfig({
      DATABASE_URL: db.url,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'graphiql-')),
    });
    system = await startSystem('api', config, createLogger('warn'));
  });
  after(async () => {
    await system?.stop();
    await db?.drop();
  });

  it('loads from our own server only and runs a query', async () => {
    const url = system.http?.url as string;
    const origin = new URL(url).origin;
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const foreign: string[] = [];
      const failed: string[] = [];
      page.on('request', (request) => {
        if (!request.url().startsWith(origin) && !request.url().startsWith('data:')) foreign.push(request.url());
      });
      page.on('requestfailed', (request) => failed.push(request.url()));
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));

      await page.goto(`${url}/graphql`, { waitUntil: 'networkidle' });
      await page.waitForSelector('.graphiql-container', { timeout: 30_000 });
      await page.click('.graphiql-execute-button');
      await page.waitForFunction(
        `document.querySelector('.graphiql-response')?.textContent?.includes('"viewer"')`,
        undefined,
        { timeout: 30_000 },
      );
      assert.match((await page.textContent('.graphiql-response')) ?? '', /"viewer":\s*null/);

      // Signed in the way the page tells a person to: a bearer token typed into the Headers editor.
      const token = await mintToken(config, { role: Role.CSR, subject: 'csr-in-browser', ttlSeconds: 300 });
      await page.click('button:has-text("Headers")');
      await page.click('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror');
      await page.keyboard.insertText(JSON.stringify({ Authorization: `Bearer ${token}` }));
      await page.click('.graphiql-execute-button');
      await page.waitForFunction(
        `document.querySelector('.graphiql-response')?.textContent?.includes('csr-in-browser')`,
        undefined,
        { timeout: 30_000 },
      );
      assert.match((await page.textContent('.graphiql-response')) ?? '', /"role":\s*"CSR"/);

      // A subscription runs over the page's WebSocket, signed in by the same Headers, and shows a committed load.
      await importFile(system.database.dataSource, {
        path: writeFeed(join(dir, 'first.xml'), feed),
        source: 'cli',
        logger,
      });
      const [{ id }] = (await system.database.dataSource.query(`SELECT id::text FROM usage_point LIMIT 1`)) as {
        id: string;
      }[];
      await page.click('.graphiql-query-editor .CodeMirror');
      await page.keyboard.press('Control+A');
      await page.keyboard.insertText(
        `subscription Watch { usageUpdated(usagePointId: "${toGlobalId('UsagePoint', id)}") { batchId inserted } }`,
      );
      await page.click('.graphiql-execute-button');
      // GraphiQL chooses the socket from the document it last parsed, which trails the editor by a moment: a click
      // right after typing can still send the new text by POST, refused as a subscription over HTTP; then run it again.
      const refusedOverHttp = `document.querySelector('.graphiql-response')?.textContent?.includes('not over HTTP')`;
      let ranAgain = false;
      const ops = await mintToken(config, { role: Role.OPS, ttlSeconds: 300 });
      const open = async () =>
        (await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${ops}` } })).text()).includes(
          'usage_portal_graphql_subscriptions 1',
        );
      for (let tries = 0; !(await open()); tries++) {
        if (!ranAgain && (await page.evaluate(refusedOverHttp))) {
          ranAgain = true;
          await page.click('.graphiql-execute-button');
        }
        assert.ok(tries < 300, 'the page never subscribed');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const loaded = await importFile(system.database.dataSource, {
        path: writeFeed(join(dir, 'more.xml'), { ...feed, count: 8 }),
        source: 'cli',
        logger,
      });
      await page.waitForFunction(
        `document.querySelector('.graphiql-response')?.textContent?.includes('"batchId": "${toGlobalId('ImportBatch', loaded.batchId as string)}"')`,
        undefined,
        { timeout: 30_000 },
      );
      assert.match((await page.textContent('.graphiql-response')) ?? '', /"inserted":\s*4/);
      const screenshot = join(artifactsDir, 'graphiql.png');
      await page.screenshot({ path: screenshot, fullPage: true });
      assert.ok(existsSync(screenshot));
      assert.deepEqual(foreign, [], 'GraphiQL must not load anything from other hosts');
      assert.deepEqual(failed, []);
      assert.deepEqual(pageErrors, []);
    } finally {
      await browser.close();
    }
  });
});
