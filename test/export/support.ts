import assert from 'node:assert/strict';
import { createWriteStream, mkdtempSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import type { DataSource } from 'typeorm';
import {
  customerAccountContent,
  customerContent,
  EspiCustomerFeedWriter,
  EspiUsageFeedWriter,
  serviceLocationContent,
  type EspiIntervalBlockRecord,
} from '../../src/espi';
import { importFile } from '../../src/services/import/import-file';
import type { ImportResult } from '../../src/services/import/types';
import { logger } from '../import/support';

export const workDir = () => mkdtempSync(join(tmpdir(), 'export-'));

const BASE = 'https://utility.example/DataCustodian/espi/1_1/resource';
const NEW_YORK_LTP = { tzOffset: -18000, dstOffset: 3600, dstStartRule: 0x360e2000, dstEndRule: 0xb40e2000 };
const DAY = 86_400;

/** Local days around both 2024 DST changes in New York: 03-08..03-12 and 10-31..11-05 (UTC-based spans, padded). */
const SPANS: [number, number][] = [
  [Date.UTC(2024, 2, 8, 5) / 1000, Date.UTC(2024, 2, 12, 4) / 1000],
  [Date.UTC(2024, 9, 31, 4) / 1000, Date.UTC(2024, 10, 5, 5) / 1000],
];

/** Quarter-hours (or hours) of the spans, one block per UTC day, with costs, a few estimated readings and a tou. */
function blocks(step: number, value: (t: number) => number): EspiIntervalBlockRecord[] {
  const out: EspiIntervalBlockRecord[] = [];
  for (const [from, to] of SPANS) {
    for (let day = from; day < to; day += DAY) {
      const readings = [];
      for (let t = day; t < Math.min(day + DAY, to); t += step) {
        const v = value(t);
        readings.push({
          start: t,
          duration: step,
          value: v,
          cost: v * 13,
          ...(t % (7 * step) === 0 ? { qualities: [8] } : {}),
          ...(t % 3600 === 0 ? { tou: 1 } : {}),
        });
      }
      out.push({ interval: { start: day, duration: Math.min(DAY, to - day) }, readings });
    }
  }
  return out;
}

async function finish(out: Writable) {
  out.end();
  await once(out, 'finish');
}

/**
 * A custodian's usage feed: a solar home (15-minute delivered and received, a bill summary with a line item), a gas
 * meter (hourly therms) and a neighbour's meter, all in New York time across both 2024 DST changes.
 */
export async function writeSyntheticUsageFeed(path: string): Promise<void> {
  const out = createWriteStream(path);
  const w = new EspiUsageFeedWriter(out, {
    baseUrl: BASE,
    feedKey: 'custodian',
    generatedAt: Date.UTC(2024, 11, 1) / 1000,
  });
  const electric = {
    uom: 72,
    powerOfTenMultiplier: 0,
    intervalLength: 900,
    accumulationBehaviour: 4,
    commodity: 1,
    kind: 12,
    currency: 840,
  };
  const solar = await w.usagePoint({
    key: 'solar',
    self: `${BASE}/Subscription/7/UsagePoint/1`,
    title: 'Solar home',
    serviceKind: 0,
    status: 1,
    localTimeParameters: NEW_YORK_LTP,
    zone: { name: 'America/New_York' },
  });
  const delivered = await w.meterReading(solar, {
    key: 'solar|delivered',
    readingType: { ...electric, flowDirection: 1 },
  });
  for (const b of blocks(900, (t) => 100 + ((t / 900) % 37))) await w.intervalBlock(delivered, b);
  const received = await w.meterReading(solar, {
    key: 'solar|received',
    readingType: { ...electric, flowDirection: 19 },
  });
  for (const b of blocks(900, (t) => ((t / 900) % 96 > 40 && (t / 900) % 96 < 70 ? 250 : 0)))
    await w.intervalBlock(received, b);
  await w.usageSummary(solar, {
    type: 'UsageSummary',
    self: `${BASE}/Subscription/7/UsagePoint/1/UsageSummary/1`,
    fields: {
      billingPeriod: { start: Date.UTC(2024, 9, 1, 4) / 1000, duration: 31 * DAY },
      billLastPeriod: 8_123_000,
      currency: 840,
      costAdditionalDetailLastPeriod: [
        { amount: 1_000_000, note: 'Customer charge', itemKind: 1, dateTime: Date.UTC(2024, 10, 1) / 1000 },
      ],
      measurements: {
        overallConsumptionLastPeriod: {
          powerOfTenMultiplier: 0,
          uom: 72,
          value: 650_000,
          timeStamp: Date.UTC(2024, 10, 1) / 1000,
        },
      },
      qualityOfReading: 17,
      statusTimeStamp: Date.UTC(2024, 10, 2) / 1000,
      commodity: 1,
    },
  });
  const gas = await w.usagePoint({
    key: 'gas',
    self: `${BASE}/Subscription/7/UsagePoint/2`,
    title: 'Gas',
    serviceKind: 1,
    status: 1,
    localTimeParameters: NEW_YORK_LTP,
    zone: { name: 'America/New_York' },
  });
  const therms = await w.meterReading(gas, {
    key: 'gas|delivered',
    readingType: {
      uom: 169,
      powerOfTenMultiplier: -3,
      intervalLength: 3600,
      accumulationBehaviour: 4,
      commodity: 7,
      kind: 58,
      flowDirection: 1,
      currency: 840,
    },
  });
  for (const b of blocks(3600, (t) => 40 + ((t / 3600) % 11))) await w.intervalBlock(therms, b);
  const neighbour = await w.usagePoint({
    key: 'neighbour',
    self: `${BASE}/Subscription/8/UsagePoint/3`,
    title: 'Neighbour',
    serviceKind: 0,
    localTimeParameters: NEW_YORK_LTP,
    zone: { name: 'America/New_York' },
  });
  const other = await w.meterReading(neighbour, {
    key: 'neighbour|delivered',
    readingType: { ...electric, flowDirection: 1 },
  });
  for (const b of blocks(900, () => 77)) await w.intervalBlock(other, b);
  await w.end();
  await finish(out);
}

/** Two customers: Ada owns the solar home and the gas meter, Bo the neighbour's meter. */
export async function writeSyntheticCustomerFeed(path: string): Promise<void> {
  const out = createWriteStream(path);
  const w = new EspiCustomerFeedWriter(out, {
    baseUrl: BASE,
    feedKey: 'custodian',
    generatedAt: Date.UTC(2024, 11, 1) / 1000,
  });
  for (const [n, name, ups] of [
    [1, 'Ada Lovelace', ['7/UsagePoint/1', '7/UsagePoint/2']],
    [2, 'Bo Diddley', ['8/UsagePoint/3']],
  ] as const) {
    const customer = `${BASE}/RetailCustomer/${n}/Customer/${n}`;
    await w.entity({
      kind: 'Customer',
      key: customer,
      self: customer,
      content: customerContent({
        kind: 'residential',
        status: 'active',
        name,
        email: `c${n}@example.com`,
        phone: null,
      }),
    });
    await w.entity({
      kind: 'CustomerAccount',
      key: `${customer}/CustomerAccount/1`,
      self: `${customer}/CustomerAccount/1`,
      content: customerAccountContent({ billingCycle: '5', accountNumber: `ACC-${n}` }),
    });
    await w.entity({
      kind: 'ServiceLocation',
      key: `${customer}/CustomerAccount/1/ServiceLocation/1`,
      self: `${customer}/CustomerAccount/1/ServiceLocation/1`,
      content: serviceLocationContent({
        streetAddress: `${n} Main St`,
        city: 'Albany',
        stateOrProvince: 'NY',
        postalCode: '12207',
        country: 'US',
        usagePointHrefs: ups.map((u) => `${BASE}/Subscription/${u}`),
      }),
    });
  }
  await w.end();
  await finish(out);
}

export async function load(db: DataSource, path: string): Promise<ImportResult> {
  const result = await importFile(db, { path, source: 'cli', fallbackZone: 'UTC', logger, force: true });
  assert.equal(result.status, 'loaded', JSON.stringify(result.errors));
  return result;
}

/** Writes an export to a file and returns its path. */
export async function toFile(path: string, write: (out: Writable) => Promise<unknown>): Promise<string> {
  const out = createWriteStream(path);
  await write(out);
  await finish(out);
  return path;
}

export const count = (path: string, pattern: RegExp) => (readFileSync(path, 'utf8').match(pattern) ?? []).length;
