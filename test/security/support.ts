import assert from 'node:assert/strict';
import { request } from 'node:http';
import { join } from 'node:path';
import { Role } from '../../src/auth/roles';
import type { Logger } from '../../src/logger';
import { toGlobalId } from '../../src/services/access/global-id';
import { startApiSystem, type ApiSystem } from '../api/support/api-system';
import { load, workDir, writeSyntheticCustomerFeed, writeSyntheticUsageFeed } from '../export/support';

export const REST = '/espi/1_1/resource';
const DOWNLOAD = `mutation ($input: UsagePointDownloadInput!) { usagePointDownload(input: $input) { url userErrors { code field message } } }`;
/** The synthetic data's range (New York days around both 2024 DST changes). */
export const RANGE = { from: '2024-03-01T05:00:00Z', to: '2024-12-01T05:00:00Z' };

/** Ada's personal data as loaded: what OPS must never receive, on any path. */
export const ADA_PERSONAL = ['198 Main St gas', 'Ada Lovelace', 'c1@example.com', 'ACC-1', '1 Main St'];

export interface SecuritySystem {
  api: ApiSystem;
  base: string;
  /** Global ids: usage points by name ('Solar home', 'Gas', 'Neighbour'), customers ('ada', 'bo'). */
  ids: Record<string, string>;
  /** Database ids of the same usage points. */
  dbIds: Record<string, string>;
  /** CIM mRIDs (external ids) of the same usage points. */
  mrids: Record<string, string>;
  /** A CUSTOMER token of Ada (Solar home, Gas) and of Bo (Neighbour). */
  ada: string;
  bo: string;
  stop(): Promise<void>;
}

/**
 * The API process with two customers: Ada (a solar home, and a gas meter whose name is its service address, as
 * utilities often write it) and Bo (a neighbour's meter). `env` adds settings (budgets, PUBLIC_BASE_URL); `logger` is
 * the process's.
 */
export async function startSecuritySystem(env: Record<string, string> = {}, logger?: Logger): Promise<SecuritySystem> {
  const api = await startApiSystem(env, logger);
  const db = api.system.database.dataSource;
  const dir = workDir();
  await writeSyntheticUsageFeed(join(dir, 'usage.xml'));
  await writeSyntheticCustomerFeed(join(dir, 'customers.xml'));
  await load(db, join(dir, 'usage.xml'));
  await load(db, join(dir, 'customers.xml'));
  await db.query(`UPDATE usage_point SET name = '198 Main St gas' WHERE name = 'Gas'`);
  const ids: Record<string, string> = {};
  const dbIds: Record<string, string> = {};
  const mrids: Record<string, string> = {};
  for (const r of (await db.query(`SELECT id, name, external_id FROM usage_point`)) as {
    id: string;
    name: string;
    external_id: string;
  }[]) {
    const name = r.name === '198 Main St gas' ? 'Gas' : r.name;
    ids[name] = toGlobalId('UsagePoint', r.id);
    dbIds[name] = r.id;
    mrids[name] = r.external_id;
  }
  const customers = (await db.query(`SELECT id FROM customer ORDER BY name`)) as { id: string }[];
  ids.ada = toGlobalId('Customer', customers[0].id);
  ids.bo = toGlobalId('Customer', customers[1].id);
  return {
    api,
    base: api.system.http?.url as string,
    ids,
    dbIds,
    mrids,
    ada: await api.token(Role.CUSTOMER, ids.ada, 'ada'),
    bo: await api.token(Role.CUSTOMER, ids.bo, 'bo'),
    stop: () => api.stop(),
  };
}

/** GET with an optional bearer token and headers. */
export function get(
  base: string,
  path: string,
  token?: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${base}${path}`, { headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });
}

/** A signed download URL (relative) for the caller, asserting it was issued. */
export async function downloadUrl(api: ApiSystem, token: string, input: Record<string, unknown>): Promise<string> {
  const r = await api.query(DOWNLOAD, { input: { ...RANGE, ...input } }, token);
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  const issued = (r.data as { usagePointDownload: { url: string | null; userErrors: unknown[] } }).usagePointDownload;
  assert.deepEqual(issued.userErrors, []);
  return issued.url as string;
}

/** The userErrors of a refused download request. */
export async function downloadRefusal(
  api: ApiSystem,
  token: string,
  input: Record<string, unknown>,
): Promise<{ code: string; field: string[] }[]> {
  const r = await api.query(DOWNLOAD, { input: { ...RANGE, ...input } }, token);
  const issued = (
    r.data as { usagePointDownload: { url: string | null; userErrors: { code: string; field: string[] }[] } }
  ).usagePointDownload;
  assert.equal(issued.url, null);
  return issued.userErrors;
}

/** A JSON error body of the REST-style entry points: exactly an error message, a code and the request id. */
export async function assertJsonError(
  response: Response,
  status: number,
  code: string,
): Promise<{ error: string; code: string; requestId: string }> {
  const text = await response.text();
  assert.equal(response.status, status, text);
  const body = JSON.parse(text) as { error: string; code: string; requestId: string };
  assert.deepEqual(Object.keys(body).sort(), ['code', 'error', 'requestId']);
  assert.equal(body.code, code);
  return body;
}

/** A raw GET whose Host and other headers are exactly the given ones (fetch does not let a caller set Host). */
export function rawGet(
  base: string,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method: 'GET', headers, setHost: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
