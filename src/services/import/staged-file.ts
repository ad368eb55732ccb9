import { createReadStream } from 'node:fs';
import type { PoolClient } from 'pg';
import type { UnknownObject } from '../../cim';
import { parseEspiAtom, parseGreenButtonCsv, type Diagnostic, type LinkedFeed } from '../../espi';
import { duplicateAcrossBlocks, linkCim, stageCim } from './cim-load';
import { upsertCustomers } from './customers';
import { setBlockOwners, type BlockOwner } from './readings';
import { externalIdOf, lockUsagePoints, upsertSeries } from './series';
import type { StagingWriter } from './staging';
import { upsertSummaries } from './summaries';
import type { ImportProgress } from './types';

// A file's formats: parsed into the staging writer as it streams, then linked to the series it writes, per format.

/** The load stopped before the file was parsed (it was loaded already, or a fault ended it). */
class ParseAbandoned extends Error {}

async function* counted(path: string, onBytes: (n: number) => void, signal: AbortSignal): AsyncGenerator<Buffer> {
  for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 })) {
    if (signal.aborted) throw new ParseAbandoned('parse abandoned');
    onBytes((chunk as Buffer).length);
    yield chunk as Buffer;
  }
}

export type FileFormat = 'espi-atom' | 'green-button-csv' | 'cim';

export interface StageContext {
  sourceSystem: string;
  fallbackZone: string;
  format: FileFormat;
  progress: ImportProgress;
  report: () => void;
  /** Stops the parse at its next chunk. */
  signal: AbortSignal;
}

export interface Linked {
  usagePoints: number;
  meterReadings: number;
  warnings: string[];
  /** Which usage point and meter reading each staged block's readings belong to (import_block_owner holds them too). */
  owners: BlockOwner[];
  /** The usage points the file writes to, locked for this load. */
  usagePointIds: string[];
  /** The message cannot be loaded after all (nothing of it is). */
  refusal?: string;
  unknown?: UnknownObject[];
  /** What the format adds once the readings are in (ESPI summaries and customers). */
  afterReadings(batchId: string | null): Promise<string[]>;
}

/** A file parsed into the staging writer, and how to give its blocks their owners inside the load transaction. */
export interface Staged {
  diagnostics: Diagnostic[];
  /** Set when the whole file is rejected: the reason, or '' when the diagnostics say it. */
  refusal?: string;
  range?: { from: Date; to: Date };
  link(client: PoolClient): Promise<Linked>;
}

/** ESPI Atom and CIM are XML, told apart by their root element; anything else is read as a Green Button CSV. */
export async function sniffFormat(path: string): Promise<FileFormat> {
  for await (const chunk of createReadStream(path, { start: 0, end: 4095 })) {
    const text = (chunk as Buffer)
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trimStart();
    if (!text.startsWith('<')) return 'green-button-csv';
    const root = /<(?:[\w.-]+:)?([\w.-]+)/.exec(text.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->/g, ''))?.[1] ?? '';
    return /^(Envelope|(Request|Response|Event|Fault)?Message)$|MeterReadings/.test(root) ? 'cim' : 'espi-atom';
  }
  return 'espi-atom'; // empty: the reader reports xml-empty
}

/** Parses the file into the writer as it streams. */
export async function stage(path: string, writer: StagingWriter, ctx: StageContext): Promise<Staged> {
  const bytes = counted(path, (n) => (ctx.progress.bytes += n), ctx.signal);
  if (ctx.format === 'cim') {
    const cim = await stageCim(bytes, writer, (n) => {
      ctx.progress.readings += n;
      ctx.report();
    });
    writer.end();
    return {
      diagnostics: cim.diagnostics,
      refusal: cim.refusal,
      range: cim.from <= cim.to ? { from: new Date(cim.from * 1000), to: new Date(cim.to * 1000) } : undefined,
      async link(c) {
        const linked = await linkCim(c, cim, ctx.sourceSystem, ctx.fallbackZone);
        const usagePointIds = [...new Set(linked.owners.map((o) => o.usagePointId))];
        return { ...linked, usagePointIds, refusal: await duplicateAcrossBlocks(c), afterReadings: async () => [] };
      },
    };
  }
  const feed = await stageEspi(bytes, writer, ctx);
  writer.end();
  return {
    diagnostics: feed.diagnostics,
    refusal: feed.fileRejected ? '' : undefined,
    range: readingRange(feed),
    link: (c) => linkStagedEspi(c, feed, ctx),
  };
}

/** Streams the file's readings into the writer. */
async function stageEspi(bytes: AsyncIterable<Buffer>, writer: StagingWriter, ctx: StageContext): Promise<LinkedFeed> {
  const events =
    ctx.format === 'espi-atom'
      ? parseEspiAtom(bytes, { source: ctx.sourceSystem, fallbackZone: ctx.fallbackZone })
      : parseGreenButtonCsv(bytes, { source: ctx.sourceSystem, zone: ctx.fallbackZone });
  let feed: LinkedFeed | undefined;
  for await (const event of events) {
    if (event.type === 'readings') {
      writer.write(event.block.ordinal, event.readings);
      ctx.progress.readings += event.readings.length;
      ctx.report();
    } else if (event.type === 'block') {
      writer.endBlock(event.block.ordinal);
    } else if (event.type === 'linked') {
      feed = event.feed;
    }
  }
  if (!feed) throw new Error(`the ${ctx.format} reader ended without its linked feed`);
  return feed;
}

/**
 * Finds or creates the usage points and meter readings of the staged feed and records which of them each accepted
 * block's readings belong to. Runs inside the load transaction.
 */
async function linkStagedEspi(client: PoolClient, feed: LinkedFeed, ctx: StageContext): Promise<Linked> {
  const { sourceSystem, fallbackZone } = ctx;
  await lockUsagePoints(
    client,
    sourceSystem,
    feed.usagePoints.map((up) => externalIdOf(up, sourceSystem)),
  );
  const series = await upsertSeries(client, feed, sourceSystem, fallbackZone);
  const owners = [...feed.blockOwner].map(([block, mr]) => ({
    block,
    ...(series.meterReadingIds.get(mr) as { usagePointId: string; meterReadingId: string }),
  }));
  await setBlockOwners(client, owners);
  return {
    usagePoints: feed.usagePoints.length,
    meterReadings: feed.meterReadings.length,
    warnings: series.warnings,
    owners,
    usagePointIds: [...series.usagePointIds.values()],
    afterReadings: async (batchId) => [
      ...(await upsertSummaries(client, feed.summaries, series.usagePointIds, batchId)),
      ...(await upsertCustomers(client, feed, sourceSystem)),
    ],
  };
}

/** The UTC range the file's readings cover, for the partitions they need. */
function readingRange(feed: LinkedFeed): { from: Date; to: Date } | undefined {
  let from = Infinity;
  let to = -Infinity;
  for (const mr of feed.meterReadings) {
    if (mr.firstStart !== undefined) from = Math.min(from, mr.firstStart);
    if (mr.lastEnd !== undefined) to = Math.max(to, mr.lastEnd);
  }
  return from <= to ? { from: new Date(from * 1000), to: new Date(to * 1000 + 1000) } : undefined;
}
