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

describe('GraphiQL in headless Chromium', { timeout: 180_000 }, () => {
  if (skippedWithoutChromium()) return;
  let db: TestDatabase;
  let system: RunningSystem;
  let config: Config;
  before(async () => {
    db = await createTestDatabase('graphiql');
    config = loadConfig({ DATABASE_URL: db.url, PORT: '0', HOST: '127.0.0.1', DATA_DIR: mkdtempSync(join(tmpdir(), 'graphiql-')) });
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
      await page.waitForFunction(`document.querySelector('.graphiql-response')?.textContent?.includes('"viewer"')`, undefined, { timeout: 30_000 });
      assert.match((await page.textContent('.graphiql-response')) ?? '', /"viewer":\s*null/);

      // Signed in the way the page tells a person to: a bearer token typed into the Headers editor.
      const token = await mintToken(config, { role: Role.CSR, subject: 'csr-in-browser', ttlSeconds: 300 });
      await page.click('button:has-text("Headers")');
      await page.click('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror');
      await page.keyboard.insertText(JSON.stringify({ Authorization: `Bearer ${token}` }));
      await page.click('.graphiql-execute-button');
      await page.waitForFunction(`document.querySelector('.graphiql-response')?.textContent?.includes('csr-in-browser')`, undefined, { timeout: 30_000 });
      assert.match((await page.textContent('.graphiql-response')) ?? '', /"role":\s*"CSR"/);
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
