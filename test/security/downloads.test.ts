import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Role } from '../../src/auth/roles';
import { resolveUrlSigningKey } from '../../src/auth/signing-key';
import { ExportFormat, signDownload, type DownloadGrant } from '../../src/services/export/download-link';
import {
  assertJsonError,
  downloadRefusal,
  downloadUrl,
  get,
  RANGE,
  startSecuritySystem,
  type SecuritySystem,
} from './support';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The text with its character at `i` replaced by `c`. */
const withChar = (text: string, i: number, c: string) => `${text.slice(0, i)}${c}${text.slice(i + 1)}`;

describe('signed download URLs: tampering, expiry and IDOR', { timeout: 300_000 }, () => {
  let s: SecuritySystem;
  let payload: string;
  let mac: string;
  before(async () => {
    s = await startSecuritySystem();
    const url = await downloadUrl(s.api, s.bo, { usagePointIds: [s.ids.Neighbour], format: 'ESPI_XML' });
    [payload, mac] = (url.split('/').pop() as string).split('.');
  });
  after(() => s?.stop());

  /** Status of every token, fetched a few at a time; each must be refused as altered. */
  async function assertAllForbidden(tokens: string[]): Promise<void> {
    const statuses = new Map<number, string[]>();
    for (let i = 0; i < tokens.length; i += 16) {
      const batch = tokens.slice(i, i + 16);
      const answers = await Promise.all(
        batch.map(async (token) => {
          const response = await get(s.base, `/download/${token}`);
          await response.arrayBuffer();
          return response.status;
        }),
      );
      answers.forEach((status, j) => statuses.set(status, [...(statuses.get(status) ?? []), batch[j]]));
    }
    assert.deepEqual(
      [...statuses.keys()],
      [403],
      `statuses other than 403: ${JSON.stringify([...statuses].filter(([k]) => k !== 403).map(([k, v]) => [k, v.slice(0, 3)]))}`,
    );
  }

  it('the URL as issued streams the file (the control)', async () => {
    const response = await get(s.base, `/download/${payload}.${mac}`);
    assert.equal(response.status, 200);
    assert.match(await response.text(), /<UsagePoint /);
  });

  it('every single-character change of the signature is 403, including the neighbours that differ only in the spare bits', async () => {
    const altered: string[] = [];
    for (let i = 0; i < mac.length; i++)
      for (const c of ALPHABET) if (c !== mac[i]) altered.push(`${payload}.${withChar(mac, i, c)}`);
    await assertAllForbidden(altered);
    // The last character's two low bits are padding: this neighbour decodes to the very same bytes.
    const spareBitNeighbour = ALPHABET[ALPHABET.indexOf(mac[mac.length - 1]) ^ 1];
    await assertJsonError(
      await get(s.base, `/download/${payload}.${withChar(mac, mac.length - 1, spareBitNeighbour)}`),
      403,
      'FORBIDDEN',
    );
  });

  it('every single-character change of the signed payload, and every changed parameter, is 403', async () => {
    const altered: string[] = [];
    for (let i = 0; i < payload.length; i++) {
      const at = ALPHABET.indexOf(payload[i]);
      for (const flip of [1, 2, 32]) altered.push(`${withChar(payload, i, ALPHABET[at ^ flip])}.${mac}`);
    }
    const body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const changes: Record<string, unknown> = {
      u: [s.dbIds['Solar home']],
      f: (body.f as number) - 86_400_000,
      t: (body.t as number) + 86_400_000,
      x: 'csv',
      e: (body.e as number) + 86_400,
      s: 'ada',
      r: Role.ADMIN,
      c: null,
    };
    assert.deepEqual(Object.keys(changes).sort(), Object.keys(body).sort(), 'every signed parameter is changed once');
    for (const [name, value] of Object.entries(changes))
      altered.push(`${Buffer.from(JSON.stringify({ ...body, [name]: value })).toString('base64url')}.${mac}`);
    await assertAllForbidden(altered);
  });

  it('an expired URL is 410 LINK_EXPIRED', async () => {
    const body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      u: string[];
      f: number;
      t: number;
      c: string;
    };
    const grant: DownloadGrant = {
      usagePointIds: body.u,
      from: new Date(body.f),
      to: new Date(body.t),
      format: ExportFormat.ESPI_XML,
      expiresAt: Math.floor(Date.now() / 1000) - 1,
      principal: { subject: 'bo', role: Role.CUSTOMER, customerId: body.c },
    };
    await assertJsonError(
      await get(s.base, `/download/${signDownload(resolveUrlSigningKey(s.api.config), grant)}`),
      410,
      'LINK_EXPIRED',
    );
  });

  it("a CUSTOMER gets no URL for another customer's usage points or customer, and a URL naming them is refused", async () => {
    for (const input of [
      { usagePointIds: [s.ids['Solar home']] },
      { usagePointIds: [s.ids.Neighbour, s.ids.Gas] },
      { customerId: s.ids.ada },
    ]) {
      for (const format of ['ESPI_XML', 'CSV', 'CUSTOMER_XML']) {
        const errors = await downloadRefusal(s.api, s.bo, { ...input, format });
        assert.deepEqual(
          errors.map((e) => e.code),
          ['BAD_USER_INPUT'],
          JSON.stringify(input),
        );
      }
    }
    // Signed with the real key (as if the holder were another customer): checked again against its holder.
    const grant: DownloadGrant = {
      usagePointIds: [s.dbIds['Solar home']],
      from: new Date(RANGE.from),
      to: new Date(RANGE.to),
      format: ExportFormat.CSV,
      expiresAt: Math.floor(Date.now() / 1000) + 600,
      principal: { subject: 'bo', role: Role.CUSTOMER, customerId: s.ids.bo },
    };
    await assertJsonError(
      await get(s.base, `/download/${signDownload(resolveUrlSigningKey(s.api.config), grant)}`),
      403,
      'FORBIDDEN',
    );
  });

  it('each staff role downloads what it may read; OPS gets no customer feed URL', async () => {
    for (const role of [Role.CSR, Role.ADMIN, Role.OPS]) {
      const token = await s.api.token(role);
      const url = await downloadUrl(s.api, token, {
        usagePointIds: [s.ids['Solar home'], s.ids.Neighbour],
        format: 'CSV',
      });
      assert.equal((await get(s.base, url)).status, 200, role);
    }
    const errors = await downloadRefusal(s.api, await s.api.token(Role.OPS), {
      usagePointIds: [s.ids.Gas],
      format: 'CUSTOMER_XML',
    });
    assert.deepEqual(
      errors.map((e) => e.field),
      [['input', 'format']],
    );
  });
});
