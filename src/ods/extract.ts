import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClientBase } from 'pg';
import {
  customerAccountContent,
  customerContent,
  customerFeedRoot,
  EspiCustomerFeedWriter,
  normalizeHref,
  EspiUsageFeedWriter,
  meterContent,
  serviceLocationContent,
  uuidV5,
  type MeterReadingRef,
  type UsagePointRef,
} from '../espi';
import { faultPoint } from '../fault-points';
import type { Logger } from '../logger';
import { AtomicFile } from './atomic-file';
import {
  changedChannels,
  changedReads,
  customerEntities,
  customersInScope,
  highestChange,
  usagePointsInScope,
  type ChangeRange,
  type ChannelRow,
  type CustomerEntitiesRow,
  type ReadRow,
  type UsagePointRow,
} from './extract-queries';

/** Hrefs of every extracted entity start here; they never change, so re-extracts upsert the same portal rows. */
export const ODS_BASE_URL = 'https://ods.usage-portal.invalid/espi/1_1/resource';
// One feed key for every file: the writers derive the subscription and retail-customer hrefs from it.
const FEED_KEY = 'ods';
/** Loaded customers keep their href's path as external id: the extract's customers are the ones under this one. */
export const ODS_CUSTOMER_PATH = `${normalizeHref(customerFeedRoot(ODS_BASE_URL, FEED_KEY))}/Customer/`;
export const DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024;
export const DEFAULT_MAX_USAGE_POINTS_PER_FILE = 100;

const SERVICE_KIND = { electricity: 0, gas: 1, water: 2 } as const;

export interface ExtractedFile {
  name: string;
  kind: 'usage' | 'customer';
  bytes: number;
  sha256: string;
  usagePoints: number;
  meterReadings: number;
  readings: number;
  customers: number;
}

export interface ExtractManifest {
  id: string;
  createdAt: string;
  /** change_seq range: (from, to]. */
  watermark: { from: string; to: string };
  since: string | null;
  /** In load order: usage feeds first, then customer feeds (a service location links usage points already loaded). */
  files: ExtractedFile[];
  totals: { files: number; bytes: number; usagePoints: number; meterReadings: number; readings: number; customers: number };
}

export interface ExtractOptions {
  outboxDir: string;
  /** The portal's watermark: reads with a higher change_seq are extracted. */
  after: string;
  since?: Date;
  maxFileBytes?: number;
  maxUsagePointsPerFile?: number;
  logger: Logger;
  onProgress?: (progress: { readings: number; files: number }) => void;
}

/** The key the usage feed writer names a usage point by; the customer feed's service locations refer to it. */
const usagePointKey = (id: string) => `ods|usage-point|${id}`;

export function usagePointHref(id: string): string {
  return `${ODS_BASE_URL}/Subscription/${uuidV5(`subscription|${FEED_KEY}`)}/UsagePoint/${uuidV5(`usage-point|${usagePointKey(id)}`)}`;
}

/**
 * Step 1.1: writes what changed in the ODS since the watermark as ESPI usage feeds (split by usage point, bounded in
 * size) and per-customer customer feeds into the outbox, each atomically, then the manifest. Reads one consistent
 * snapshot (REPEATABLE READ), so the watermark range it reports is exactly what the files hold. Returns undefined
 * when nothing changed: no files, no manifest.
 */
export async function extractToOutbox(ods: ClientBase, options: ExtractOptions): Promise<ExtractManifest | undefined> {
  await mkdir(options.outboxDir, { recursive: true });
  await ods.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    const range: ChangeRange = { after: options.after, upTo: await highestChange(ods), since: options.since };
    const channels = await changedChannels(ods, range);
    const usagePoints = await usagePointsInScope(ods, range, [...new Set(channels.map((c) => c.usage_point_id))]);
    const customers = await customersInScope(ods, range, [...new Set(usagePoints.map((u) => u.customer_id))]);
    if (usagePoints.length === 0 && customers.length === 0) {
      await ods.query('COMMIT');
      return undefined;
    }
    const createdAt = new Date();
    const id = `ods-${createdAt.toISOString().replace(/[-:.]/g, '')}-${range.after}-${range.upTo}`;
    const files = new FileSeries(options, id, createdAt);
    let manifest: ExtractManifest;
    try {
      await writeUsageFeeds(ods, range, usagePoints, channels, files);
      await writeCustomerFeeds(ods, customers, files);
      manifest = manifestOf(id, createdAt, range, options.since, files.done);
      const manifestFile = await AtomicFile.create(join(options.outboxDir, `${id}.manifest.json`));
      manifestFile.write(`${JSON.stringify(manifest, null, 2)}\n`);
      await manifestFile.commit();
    } catch (error) {
      // A full disk shows up in the writer as "the destination was closed": the file's own error says why.
      const cause = files.failure ?? error;
      await files.discard();
      throw cause;
    }
    await ods.query('COMMIT');
    options.logger.info({ manifest: id, ...manifest.totals, watermark: manifest.watermark }, 'ODS extract written to the outbox');
    return manifest;
  } catch (error) {
    await ods.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

function manifestOf(id: string, createdAt: Date, range: ChangeRange, since: Date | undefined, files: ExtractedFile[]): ExtractManifest {
  return {
    id,
    createdAt: createdAt.toISOString(),
    watermark: { from: range.after, to: range.upTo },
    since: since?.toISOString() ?? null,
    files,
    totals: {
      files: files.length,
      bytes: sum(files, 'bytes'),
      usagePoints: sum(files, 'usagePoints'),
      meterReadings: sum(files, 'meterReadings'),
      readings: sum(files, 'readings'),
      customers: sum(files, 'customers'),
    },
  };
}

const sum = (files: ExtractedFile[], key: 'bytes' | 'usagePoints' | 'meterReadings' | 'readings' | 'customers') => files.reduce((n, f) => n + f[key], 0);

/** The outbox files of one extract: numbered, one open at a time, each committed atomically when full. */
class FileSeries {
  readonly done: ExtractedFile[] = [];
  private current?: { file: AtomicFile; stats: ExtractedFile };
  private sequence = 0;

  constructor(
    private readonly options: ExtractOptions,
    private readonly id: string,
    private readonly createdAt: Date,
  ) {}

  get generatedAt(): number {
    return Math.floor(this.createdAt.getTime() / 1000);
  }

  async open(kind: ExtractedFile['kind']): Promise<{ file: AtomicFile; stats: ExtractedFile }> {
    const name = `${this.id}-${kind}-${String(++this.sequence).padStart(4, '0')}.xml`;
    const file = await AtomicFile.create(join(this.options.outboxDir, name));
    this.current = { file, stats: { name, kind, bytes: 0, sha256: '', usagePoints: 0, meterReadings: 0, readings: 0, customers: 0 } };
    return this.current;
  }

  /** A new usage feed is due: the current one holds enough usage points or bytes (a usage point is never split). */
  full(): boolean {
    const max = this.options.maxUsagePointsPerFile ?? DEFAULT_MAX_USAGE_POINTS_PER_FILE;
    return !this.current || this.current.stats.usagePoints >= max || this.current.file.size >= (this.options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES);
  }

  async commit(): Promise<void> {
    if (!this.current) return;
    const { file, stats } = this.current;
    this.current = undefined;
    const committed = await file.commit();
    this.done.push({ ...stats, bytes: committed.bytes, sha256: committed.sha256 });
    faultPoint('extract:after-file-written');
    this.options.onProgress?.({ readings: sum(this.done, 'readings'), files: this.done.length });
  }

  get failure(): Error | undefined {
    return this.current?.file.failure;
  }

  /** The extract failed: its files will never be delivered, complete or not. */
  async discard(): Promise<void> {
    await this.current?.file.discard();
    this.current = undefined;
    await Promise.all(this.done.map((f) => rm(join(this.options.outboxDir, f.name), { force: true })));
  }
}

function readingTypeOf(c: ChannelRow) {
  return {
    accumulationBehaviour: c.accumulation,
    commodity: c.commodity,
    currency: c.currency,
    flowDirection: c.flow_direction,
    intervalLength: c.interval_length,
    kind: c.kind,
    powerOfTenMultiplier: c.power_of_ten,
    uom: c.uom,
  };
}

/** IntervalBlocks hold one local day of one channel: the usual ESPI grouping, and bounded in size. */
async function writeUsageFeeds(ods: ClientBase, range: ChangeRange, usagePoints: UsagePointRow[], channels: ChannelRow[], files: FileSeries): Promise<void> {
  const zones = new Map(usagePoints.map((u) => [u.usage_point_id, u.time_zone]));
  const channelById = new Map(channels.map((c) => [c.channel_id, c]));
  let writer: EspiUsageFeedWriter | undefined;
  let stats: ExtractedFile | undefined;
  let upRef: UsagePointRef | undefined;
  let mrRef: MeterReadingRef | undefined;
  let block: ReadRow[] = [];
  let next = 0; // index into usagePoints of the next one to write

  const flushBlock = async () => {
    if (!mrRef || block.length === 0) return;
    const duration = (channelById.get(block[0].channel_id) as ChannelRow).interval_length;
    const readings = block.map((r) => ({
      start: r.start,
      duration,
      value: Number(r.value),
      cost: r.cost === null ? undefined : Number(r.cost),
      qualities: r.quality === null ? undefined : [r.quality],
    }));
    const first = block[0].start;
    await writer?.intervalBlock(mrRef, { interval: { start: first, duration: block[block.length - 1].start + duration - first }, readings });
    (stats as ExtractedFile).readings += readings.length;
    block = [];
  };
  const startUsagePoint = async (up: UsagePointRow) => {
    await flushBlock();
    mrRef = undefined;
    if (files.full()) {
      await writer?.end();
      await files.commit();
      const opened = await files.open('usage');
      stats = opened.stats;
      writer = new EspiUsageFeedWriter(opened.file, { baseUrl: ODS_BASE_URL, feedKey: FEED_KEY, title: 'ODS usage extract', generatedAt: files.generatedAt });
    }
    upRef = await (writer as EspiUsageFeedWriter).usagePoint({ key: usagePointKey(up.usage_point_id), title: up.name, serviceKind: SERVICE_KIND[up.kind], zone: { name: up.time_zone } });
    (stats as ExtractedFile).usagePoints++;
  };
  // Usage points in scope without changed reads (a renamed one) are written on their own, in id order.
  const writeUpTo = async (usagePointId: string | undefined) => {
    while (next < usagePoints.length && (usagePointId === undefined || BigInt(usagePoints[next].usage_point_id) <= BigInt(usagePointId))) {
      await startUsagePoint(usagePoints[next++]);
    }
  };

  let current: { up?: string; channel?: string; day?: string } = {};
  for await (const page of changedReads(ods, range, channels, zones)) {
    for (const r of page) {
      if (r.usage_point_id !== current.up) {
        await writeUpTo(r.usage_point_id);
        current = { up: r.usage_point_id };
      }
      if (r.channel_id !== current.channel) {
        await flushBlock();
        mrRef = await (writer as EspiUsageFeedWriter).meterReading(upRef as UsagePointRef, { key: `ods|channel|${r.channel_id}`, readingType: readingTypeOf(channelById.get(r.channel_id) as ChannelRow) });
        (stats as ExtractedFile).meterReadings++;
        current.channel = r.channel_id;
        current.day = r.local_day;
      } else if (r.local_day !== current.day) {
        await flushBlock();
        current.day = r.local_day;
      }
      block.push(r);
    }
  }
  await writeUpTo(undefined);
  await flushBlock();
  await writer?.end();
  await files.commit();
}

/**
 * One customer feed per customer: the loader attaches an account to "the file's only Customer" and a location to
 * the only account when the hrefs do not nest (the writer's are flat), so one customer per file keeps that exact.
 */
async function writeCustomerFeeds(ods: ClientBase, customerIds: string[], files: FileSeries): Promise<void> {
  for (let i = 0; i < customerIds.length; i += 500) {
    for (const customer of await customerEntities(ods, customerIds.slice(i, i + 500))) await writeCustomerFeed(customer, files);
  }
}

async function writeCustomerFeed(c: CustomerEntitiesRow, files: FileSeries): Promise<void> {
  const { file, stats } = await files.open('customer');
  const writer = new EspiCustomerFeedWriter(file, { baseUrl: ODS_BASE_URL, feedKey: FEED_KEY, title: 'ODS customer extract', generatedAt: files.generatedAt });
  await writer.entity({
    kind: 'Customer',
    key: `ods|customer|${c.customer_id}`,
    title: c.name,
    content: customerContent(c),
  });
  stats.customers++;
  for (const a of c.accounts) {
    await writer.entity({
      kind: 'CustomerAccount',
      key: `ods|account|${a.account_id}`,
      title: a.account_number,
      content: customerAccountContent({ billingCycle: a.billing_cycle, accountNumber: a.account_number }),
    });
    for (const l of a.locations) {
      await writer.entity({
        kind: 'ServiceLocation',
        key: `ods|location|${l.location_id}`,
        content: serviceLocationContent({
          streetAddress: l.street_address,
          city: l.city,
          stateOrProvince: l.state,
          postalCode: l.postal_code,
          country: l.country,
          usagePointHrefs: l.usage_points.map((u) => usagePointHref(u.usage_point_id)),
        }),
      });
      for (const u of l.usage_points) {
        await writer.entity({
          kind: 'Meter',
          key: `ods|meter|${u.meter_id}`,
          title: u.serial_number,
          content: meterContent({ serialNumber: u.serial_number, formNumber: u.form_number, intervalLength: u.interval_length }),
        });
      }
    }
  }
  await writer.end();
  await files.commit();
}
