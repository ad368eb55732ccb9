import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Role } from '../../src/auth/roles';
import { artifactsDir, chromiumAvailable, CHROMIUM, launchChromium } from '../support/browser';
import { startTestSystem, type TestSystem } from '../support/system';

describe('queue dashboard (/admin/queues)', { timeout: 180_000 }, () => {
  let t: TestSystem;
  before(async () => {
    t = await startTestSystem('serve');
  });
  after(() => t?.stop());

  async function pause(queue: string, token: string) {
    return fetch(`${t.url}/admin/queues/api/queues/${queue}/pause`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}` },
    });
  }

  it('lets OPS look but not act, ADMIN act, and nobody else in', async () => {
    assert.equal((await fetch(`${t.url}/admin/queues/api/queues`)).status, 401);
    const customer = await t.token(Role.CUSTOMER, 'Q3VzdG9tZXI6MQ');
    assert.equal(
      (await fetch(`${t.url}/admin/queues/api/queues`, { headers: { authorization: `Bearer ${customer}` } })).status,
      403,
    );
    const ops = await t.token(Role.OPS);
    const list = await fetch(`${t.url}/admin/queues/api/queues`, { headers: { authorization: `Bearer ${ops}` } });
    assert.equal(list.status, 200);
    const names = ((await list.json()) as { queues: { name: string }[] }).queues.map((q) => q.name).sort();
    assert.deepEqual(names, ['alerts', 'cim-replies', 'imports', 'maintenance', 'ods-extract', 'webhooks']);

    assert.equal((await pause('imports', ops)).status, 405);
    assert.equal(await t.system.queues.imports.isPaused(), false);
    assert.equal((await pause('imports', await t.token(Role.ADMIN))).status, 200);
    assert.equal(await t.system.queues.imports.isPaused(), true);
    await t.system.queues.imports.resume();
  });

  it('signs a person in and shows the queues in headless Chromium, loading nothing from elsewhere', async (ctx) => {
    if (!chromiumAvailable()) return ctx.skip(`${CHROMIUM} not found (Debian package chromium); CI installs it`);
    const origin = new URL(t.url).origin;
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const foreign: string[] = [];
      const pageErrors: string[] = [];
      page.on('request', (request) => {
        if (!request.url().startsWith(origin) && !request.url().startsWith('data:')) foreign.push(request.url());
      });
      page.on('pageerror', (error) => pageErrors.push(error.message));

      await page.goto(`${t.url}/admin/queues`);
      assert.match(page.url(), /\/admin\/login\?next=%2Fadmin%2Fqueues$/);
      await page.fill('textarea[name=token]', await t.token(Role.OPS));
      await page.click('button[type=submit]');
      await page.waitForURL(`${t.url}/admin/queues`);
      await page.getByText('imports', { exact: true }).first().waitFor({ timeout: 30_000 });
      await page.getByText('maintenance', { exact: true }).first().waitFor({ timeout: 30_000 });
      await page.waitForLoadState('networkidle');
      const screenshot = join(artifactsDir, 'queue-dashboard.png');
      await page.screenshot({ path: screenshot, fullPage: true });
      assert.ok(existsSync(screenshot));
      assert.deepEqual(foreign, [], 'the dashboard must not load anything from other hosts');
      assert.deepEqual(pageErrors, []);
    } finally {
      await browser.close();
    }
  });
});
