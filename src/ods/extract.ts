import { mkdir } from 'node:fs/promises';
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
  type EspiUsageSummaryRecord,
} from '../espi';
import { faultPoint } from '../fault-points';
import { AtomicFile } from './atomic-file';
import { changedBills } from './extract-bills';
import type { ShardPlan } from './extract-plan';
import {
  changedReads,
  channelsByIds,
  customerEntities,
  usagePointsByIds,
  type ChangeRange,
  type ChannelRow,
  type CustomerEntitiesRow,
  type ReadRow,
  type OdsUsagePointRow,
} from './extract-queries';

/** Hrefs of every extracted entity start here; they never change, so re-extracts upsert the same portal rows. */
export const ODS_BASE_URL = 'https://ods.usage-portal.invalid/espi/1_1/resource';
// One feed key for every file: the writers derive the subscription and retail-customer hrefs from it.
const FEED_KEY = 'ods';
/** Loaded customers keep their href's path as external id: the extract's customers are the ones under this one. */
export const ODS_CUSTOMER_PATH = `${normalizeHref(customerFeedRoot(ODS_BASE_URL, FEED_KEY))}/Customer/`;
export const DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024;
export const DEFAULT_MAX_USAGE_POINTS_PER_FILE = 100;
// Small enough that the first customers are in within seconds and loading keeps pace with writing; large enough that
// a file's fixed cost (its transaction, batch row and rollup refresh) stays small beside its readings.
export const DEFAULT_MAX_READINGS_PER_FILE = 250_000;

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

/** A run's record in the outbox, written when the run is loaded: every file of every shard, in load order per shard. */
export interface ExtractManifest {
  id: string;
  createdAt: string;
  /** change_seq range: (from, to]. */
  watermark: { from: string; to: string };
  since: string | null;
  shards: number;
  files: (ExtractedFile & { shard: number })[];
  totals: {
    files: number;
    bytes: number;
    usagePoints: number;
    meterReadings: number;
    readings: number;
    customers: number;
  };
}

export interface ShardExtractOptions {
  outboxDir: string;
  /** The run: its id names the files, its creation time dates their feeds (a retried shard writes the same bytes). */
  runId: string;
  createdAt: Date;
  range: ChangeRange;
  shard: Pick<ShardPlan, 'index' | 'customerIds' | 'usagePointIds' | 'channelIds'>;
  maxFileBytes?: number;
  maxUsagePointsPerFile?: number;
  maxReadingsPerFile?: number;
  /**
   * Called with each file once committed, in load order: a usage feed, then the feeds of the customers it completed.
   * The shard waits for it before writing on, so it sets how far writing may run ahead of loading.
   */
  onFile: (file: ExtractedFile) => Promise<void>;
}

/** The key the usage feed writer names a usage point by; the customer feed's service locations refer to it. */
const usagePointKey = (id: string) => `ods|usage-point|${id}`;

export function usagePointHref(id: string): string {
  return `${ODS_BASE_URL}/Subscription/${uuidV5(`subscription|${FEED_KEY}`)}/UsagePoint/${uuidV5(`usage-point|${usagePointKey(id)}`)}`;
}

/**
 * Two connections to the ODS for one shard: the changed reads stream over `reads` (COPY holds the connection), the
 * customer feeds are read over `entities` in the same snapshot.
 */
export interface ShardConnections {
  reads: ClientBase;
  entities: ClientBase;
}

/** The outbox names of one shard's files start with this: a retry removes what a dead attempt left. */
export const shardFilePrefix = (runId: string, shard: number) => `${runId}-s${String(shard).padStart(4, '0')}-`;

/**
 * Step 1.1 for one shard of a run: writes the shard's usage points as ESPI usage feeds (bounded in usage points,
 * readings and bytes; a usage point is never split) and each customer's customer feed as soon as the usage feeds of
 * all its usage points are written, each file atomically, handing each to `onFile`. Reads one consistent snapshot of
 * the ODS (REPEATABLE READ) limited to the run's change_seq range, so a read changed after the plan was made waits
 * for the next run, which takes its latest version.
 */
export async function extractShard(ods: ShardConnections, options: ShardExtractOptions): Promise<ExtractedFile[]> {
  await mkdir(options.outboxDir, { recursive: true });
  await ods.reads.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  const files = new FileSeries(options);
  try {
    // The customer feeds are read while the reads stream: on the other connection, in the same snapshot.
    const { rows } = await ods.reads.query<{ snapshot: string }>('SELECT pg_export_snapshot() AS snapshot');
    await ods.entities.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await ods.entities.query(`SET TRANSACTION SNAPSHOT ${ods.entities.escapeLiteral(rows[0].snapshot)}`);
    const usagePoints = await usagePointsByIds(ods.reads, options.shard.usagePointIds);
    const channels = await channelsByIds(ods.reads, options.shard.channelIds);
    const bills = await changedBills(ods.reads, options.range, options.shard.usagePointIds);
    const customers = new CustomerCompletion(ods.entities, options.shard.customerIds, usagePoints, files);
    // Customers with no usage point in scope (only their own rows changed) link usage points loaded by earlier runs.
    await customers.writeCompleted();
    await writeUsageFeeds(ods.reads, options.range, usagePoints, channels, bills, files, customers);
    await ods.entities.query('COMMIT');
    await ods.reads.query('COMMIT');
    return files.done;
  } catch (error) {
    // No ROLLBACK: a COPY of the reads may still hold its connection, where a ROLLBACK would wait for ever; the
    // caller closes both connections, which ends their transactions.
    // A full disk shows up in the writer as "the destination was closed": the file's own error says why.
    const cause = files.failure ?? error;
    await files.discard();
    throw cause;
  }
}

const sum = (files: ExtractedFile[], key: 'bytes' | 'usagePoints' | 'meterReadings' | 'readings' | 'customers') =>
  files.reduce((n, f) => n + f[key], 0);

export function manifestOf(
  plan: { id: string; createdAt: Date; range: ChangeRange; shards: number },
  files: ExtractManifest['files'],
): ExtractManifest {
  return {
    id: plan.id,
    createdAt: plan.createdAt.toISOString(),
    watermark: { from: plan.range.after, to: plan.range.upTo },
    since: plan.range.since?.toISOString() ?? null,
    shards: plan.shards,
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

/** Writes the run's manifest into the outbox, atomically: the record of what the run delivered. */
export async function writeManifest(outboxDir: string, manifest: ExtractManifest): Promise<string> {
  await mkdir(outboxDir, { recursive: true });
  const file = await AtomicFile.create(join(outboxDir, `${manifest.id}.manifest.json`));
  file.write(`${JSON.stringify(manifest, null, 2)}\n`);
  return (await file.commit()).path;
}

/** The outbox files of one shard: numbered, one open at a time, each committed atomically when full. */
class FileSeries {
  readonly done: ExtractedFile[] = [];
  private current?: { file: AtomicFile; stats: ExtractedFile };
  private sequence = 0;

  constructor(private readonly options: ShardExtractOptions) {}

  get generatedAt(): number {
    return Math.floor(this.options.createdAt.getTime() / 1000);
  }

  get stats(): ExtractedFile {
    return (this.current as { stats: ExtractedFile }).stats;
  }

  async open(kind: ExtractedFile['kind']): Promise<AtomicFile> {
    const name = `${shardFilePrefix(this.options.runId, this.options.shard.index)}${String(++this.sequence).padStart(5, '0')}-${kind}.xml`;
    const file = await AtomicFile.create(join(this.options.outboxDir, name));
    this.current = {
      file,
      stats: { name, kind, bytes: 0, sha256: '', usagePoints: 0, meterReadings: 0, readings: 0, customers: 0 },
    };
    return file;
  }

  /** A new usage feed is due: the current one holds enough usage points, readings or bytes. */
  full(): boolean {
    if (!this.current) return true;
    const { stats, file } = this.current;
    return (
      stats.usagePoints >= (this.options.maxUsagePointsPerFile ?? DEFAULT_MAX_USAGE_POINTS_PER_FILE) ||
      stats.readings >= (this.options.maxReadingsPerFile ?? DEFAULT_MAX_READINGS_PER_FILE) ||
      file.size >= (this.options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES)
    );
  }

  async commit(): Promise<void> {
    if (!this.current) return;
    const { file, stats } = this.current;
    this.current = undefined;
    const committed = await file.commit();
    const done = { ...stats, bytes: committed.bytes, sha256: committed.sha256 };
    this.done.push(done);
    faultPoint('extract:after-file-written');
    await this.options.onFile(done);
  }

  get failure(): Error | undefined {
    return this.current?.file.failure;
  }

  /** The extract failed: the file being written is never delivered. Those handed on are the caller's. */
  async discard(): Promise<void> {
    await this.current?.file.discard();
    this.current = undefined;
  }
}

/**
 * Which customers have every usage point of the shard written: their customer feed may follow, since the loader
 * loads files in the order they are handed on.
 */
class CustomerCompletion {
  private readonly remaining = new Map<string, number>();
  private readonly pending: string[] = [];
  private readonly customerOf: Map<string, string>;

  constructor(
    private readonly ods: ClientBase,
    customerIds: string[],
    usagePoints: OdsUsagePointRow[],
    private readonly files: FileSeries,
  ) {
    for (const id of customerIds) this.remaining.set(id, 0);
    for (const u of usagePoints) this.remaining.set(u.customer_id, (this.remaining.get(u.customer_id) ?? 0) + 1);
    this.customerOf = new Map(usagePoints.map((u) => [u.usage_point_id, u.customer_id]));
    for (const [id, n] of this.remaining) if (n === 0) this.pending.push(id);
  }

  /** The usage points' feed is committed. */
  written(usagePointIds: string[]): void {
    for (const id of usagePointIds) {
      const customer = this.customerOf.get(id) as string;
      const left = (this.remaining.get(customer) as number) - 1;
      this.remaining.set(customer, left);
      if (left === 0) this.pending.push(customer);
    }
  }

  async writeCompleted(): Promise<void> {
    while (this.pending.length) {
      for (const customer of await customerEntities(this.ods, this.pending.splice(0, 500)))
        await writeCustomerFeed(customer, this.files);
    }
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

/**
 * IntervalBlocks hold one local day of one channel: the usual ESPI grouping, and bounded in size. Usage points are
 * written in the shard's order, each with its changed bills (UsageSummary); after each usage feed, the customers it
 * completed.
 */
async function writeUsageFeeds(
  ods: ClientBase,
  range: ChangeRange,
  usagePoints: OdsUsagePointRow[],
  channels: ChannelRow[],
  bills: Map<string, EspiUsageSummaryRecord[]>,
  files: FileSeries,
  customers: CustomerCompletion,
): Promise<void> {
  const zones = new Map(usagePoints.map((u) => [u.usage_point_id, u.time_zone]));
  const position = new Map(usagePoints.map((u, i) => [u.usage_point_id, i]));
  const channelById = new Map(channels.map((c) => [c.channel_id, c]));
  // Channels in the usage points' order: the reads arrive usage point by usage point.
  const ordered = [...channels].sort(
    (x, y) => (position.get(x.usage_point_id) as number) - (position.get(y.usage_point_id) as number),
  );
  let writer: EspiUsageFeedWriter | undefined;
  let inFile: string[] = [];
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
    await writer?.intervalBlock(mrRef, {
      interval: { start: first, duration: block[block.length - 1].start + duration - first },
      readings,
    });
    files.stats.readings += readings.length;
    block = [];
  };
  const commitFile = async () => {
    if (!writer) return;
    await writer.end();
    await files.commit();
    customers.written(inFile);
    await customers.writeCompleted();
    writer = undefined;
    inFile = [];
  };
  const startUsagePoint = async (up: OdsUsagePointRow) => {
    await flushBlock();
    mrRef = undefined;
    if (!writer || files.full()) {
      await commitFile();
      writer = new EspiUsageFeedWriter(await files.open('usage'), {
        baseUrl: ODS_BASE_URL,
        feedKey: FEED_KEY,
        title: 'ODS usage extract',
        generatedAt: files.generatedAt,
      });
    }
    upRef = await writer.usagePoint({
      key: usagePointKey(up.usage_point_id),
      title: up.name,
      serviceKind: SERVICE_KIND[up.kind],
      tariffProfile: up.tariff,
      zone: { name: up.time_zone },
    });
    for (const summary of bills.get(up.usage_point_id) ?? []) await writer.usageSummary(upRef, summary);
    files.stats.usagePoints++;
    inFile.push(up.usage_point_id);
  };
  // Usage points in scope without changed reads (a renamed one) are written in their place in the order.
  const writeUpTo = async (usagePointId: string | undefined) => {
    const until = usagePointId === undefined ? usagePoints.length - 1 : (position.get(usagePointId) as number);
    while (next <= until) await startUsagePoint(usagePoints[next++]);
  };

  let current: { up?: string; channel?: string; day?: string } = {};
  for await (const page of changedReads(ods, range, ordered, zones)) {
    for (const r of page) {
      if (r.usage_point_id !== current.up) {
        await writeUpTo(r.usage_point_id);
        current = { up: r.usage_point_id };
      }
      if (r.channel_id !== current.channel) {
        await flushBlock();
        mrRef = await (writer as EspiUsageFeedWriter).meterReading(upRef as UsagePointRef, {
          key: `ods|channel|${r.channel_id}`,
          readingType: readingTypeOf(channelById.get(r.channel_id) as ChannelRow),
        });
        files.stats.meterReadings++;
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
  await commitFile();
}

/**
 * One customer feed per customer: the loader attaches an account to "the file's only Customer" and a location to
 * the only account when the hrefs do not nest (the writer's are flat), so one customer per file keeps that exact.
 */
async function writeCustomerFeed(c: CustomerEntitiesRow, files: FileSeries): Promise<void> {
  const writer = new EspiCustomerFeedWriter(await files.open('customer'), {
    baseUrl: ODS_BASE_URL,
    feedKey: FEED_KEY,
    title: 'ODS customer extract',
    generatedAt: files.generatedAt,
  });
  await writer.entity({
    kind: 'Customer',
    key: `ods|customer|${c.customer_id}`,
    title: c.name,
    content: customerContent(c),
  });
  files.stats.customers++;
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
          content: meterContent({
            serialNumber: u.serial_number,
            formNumber: u.form_number,
            intervalLength: u.interval_length,
          }),
        });
      }
    }
  }
  await writer.end();
  await files.commit();
}
