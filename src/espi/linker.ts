import { BlockHrefs } from './block-hrefs';
import { BlockOwners } from './block-owners';
import { BlockSpill, SpilledBlock } from './block-spill';
import { Coverage } from './coverage';
import { Diagnostic, EspiFileError } from './diagnostics';
import { PendingBlocks } from './pending-blocks';
import { collectionOf, normalizeHref, parentOf } from './hrefs';
import { BlockInfo, EntryInfo, EspiRecord, EspiIntervalReading, ReadingTypeFields, UsageSummaryFields } from './records';
import { readingTypeSignature, flowOf, Flow } from './reading-type';
import { LtpFields, TimeZone } from './time-zone';
import { settleZone, usagePointZone, ZoneSource } from './usage-point-zone';
import { linkContent, Occurrences, placedDiagnostic, readingTypeOf, readingTypesReached, SeriesEvidence } from './collisions';
import type { ReaderEvent } from './atom-reader';

export interface LinkOptions {
  /** Names the file's origin in natural keys (a data custodian, an inbox path): hrefs are unique only within one. */
  source: string;
  /** IANA zone used when a usage point has no LocalTimeParameters or a broken one. */
  fallbackZone: string;
  /**
   * The source has no LocalTimeParameters by nature (a Green Button CSV): `fallbackZone` is the usage point's
   * configured zone, its zoneSource is 'configured' and their absence is not a warning.
   */
  zoneConfigured?: boolean;
  /** Diagnostics kept per code; the rest are counted. */
  maxDiagnosticsPerCode?: number;
  /** Finished blocks kept in memory until their owners are decided; beyond this they go to a temporary file. */
  spillMemoryBytes?: number;
  /** Where that file goes (default: the OS temp folder). */
  tempDir?: string;
}

/** Blocks finished before the end of the file wait as compact rows, in memory up to 1 MiB and then on disk. */
const SPILL_MEMORY_BYTES = 1 << 20;

export interface LinkedUsagePoint {
  key: string;
  href?: string;
  atomId?: string;
  title?: string;
  serviceKind?: number;
  status?: number;
  roleFlags?: string;
  tariffProfile?: string;
  zone: TimeZone;
  zoneSource: ZoneSource;
  localTimeParameters?: LtpFields;
  entry: EntryInfo;
}

export interface LinkedMeterReading {
  key: string;
  href?: string;
  usagePoint: LinkedUsagePoint;
  readingType: ReadingTypeFields;
  readingTypeHref?: string;
  flow: Flow;
  /** Accepted blocks (which ones: `LinkedFeed.blockOwner`; the blocks themselves: the `block` events). */
  blockCount: number;
  readingCount: number;
  /** Sum of raw values (× 10^powerOfTenMultiplier in the unit); bigint because a long series can pass 2^53. */
  valueTotal: bigint;
  costTotal: bigint;
  firstStart?: number;
  lastEnd?: number;
  entry: EntryInfo;
}

export interface LinkedSummary {
  type: 'UsageSummary' | 'ElectricPowerUsageSummary';
  usagePoint?: LinkedUsagePoint;
  fields: UsageSummaryFields;
  entry: EntryInfo;
}

export type EspiCustomerRecord = Extract<EspiRecord, { type: 'CustomerEntity' }>;

export interface LinkedFeed {
  source: string;
  usagePoints: LinkedUsagePoint[];
  meterReadings: LinkedMeterReading[];
  summaries: LinkedSummary[];
  customers: EspiCustomerRecord[];
  /**
   * A ServiceLocation's UsagePoints refs resolved to usage points of the same file (by href, or by atom:id).
   * Customer and usage feeds usually come apart: refs to usage points not in the file are left to the loader.
   */
  serviceLocationUsagePoints: { serviceLocation: EspiCustomerRecord; usagePoint: LinkedUsagePoint }[];
  localTimeParameters: Extract<EspiRecord, { type: 'LocalTimeParameters' }>[];
  /** Reading types no meter reading refers to (a ReadingType collection feed, for instance). */
  unusedReadingTypes: Extract<EspiRecord, { type: 'ReadingType' }>[];
  /** Owner of each accepted block, by block ordinal; a block absent here was rejected and its readings must be dropped. */
  blockOwner: BlockOwners<LinkedMeterReading>;
  /** What the linker held for the blocks: bounded in memory whatever the file size. */
  pending: PendingStats;
  diagnostics: Diagnostic[];
  errorCount: number;
  warningCount: number;
  /** True when the whole file is rejected (nothing in it may be loaded). */
  fileRejected: boolean;
}

export interface PendingStats {
  /** Blocks that waited for the end of the file as rows, and their bytes. */
  spilledBlocks: number;
  spilledBytes: number;
  /** The rows went past `spillMemoryBytes` into a temporary file (removed since). */
  spilledToDisk: boolean;
  /** Most blocks whose readings were streaming at once. */
  peakOpenBlocks: number;
  /** Ranges and hrefs held for the repeated-self-link check of blocks. */
  blockHrefsHeld: number;
}

/**
 * Events of an import: readings as parsed (keyed by block), each block once its entry has closed, diagnostics as
 * found, and the linked feed last.
 */
export type ParseEvent =
  | { type: 'readings'; block: BlockInfo; readings: EspiIntervalReading[] }
  | { type: 'block'; block: BlockInfo }
  | { type: 'diagnostic'; diagnostic: Diagnostic }
  | { type: 'linked'; feed: LinkedFeed };

/** The first entry seen under a self href, and every distinct content seen under it. */
interface SelfLink {
  kind: string;
  entry: EntryInfo;
  contents: Map<string, EntryInfo>;
}

/**
 * Links the reader's records into usage points, meter readings and their blocks. Readings pass through at once
 * (after per-block checks). Ownership of the blocks is decided at the end, when every entry has been seen (an
 * owner may come after its blocks, or name them only through its `related` links), and delivered in the final
 * `linked` event; until then a finished block waits as a compact row in a `BlockSpill`, in memory for small files
 * and in a temporary file beyond, so memory holds only the small entities and the blocks still streaming.
 */
export async function* linkEspiRecords(events: AsyncIterable<ReaderEvent>, options: LinkOptions): AsyncGenerator<ParseEvent> {
  const state = new LinkState(options);
  try {
    try {
      for await (const ev of events) {
        if (ev.type === 'Readings') {
          const kept = state.checkReadings(ev.block, ev.readings);
          if (kept.length > 0) yield { type: 'readings', block: ev.block, readings: kept };
        } else if (ev.type === 'Diagnostic') {
          state.report(ev.diagnostic);
        } else {
          state.add(ev);
          if (ev.type === 'IntervalBlock') yield { type: 'block', block: ev.block };
        }
        yield* state.drainDiagnostics();
      }
    } catch (err) {
      if (!(err instanceof EspiFileError)) throw err;
      state.report(err.diagnostic);
      yield* state.drainDiagnostics();
      yield { type: 'linked', feed: state.rejectedFeed() };
      return;
    }
    const feed = state.link();
    yield* state.drainDiagnostics();
    yield { type: 'linked', feed };
  } finally {
    state.close();
  }
}

type Rec<T extends EspiRecord['type']> = Extract<EspiRecord, { type: T }>;

class LinkState {
  private readonly usagePoints: Rec<'UsagePoint'>[] = [];
  private readonly meterReadings: Rec<'MeterReading'>[] = [];
  private readonly readingTypes: Rec<'ReadingType'>[] = [];
  private readonly ltps: Rec<'LocalTimeParameters'>[] = [];
  private readonly summaries: Rec<'UsageSummary' | 'ElectricPowerUsageSummary'>[] = [];
  private readonly customers: EspiCustomerRecord[] = [];
  private readonly usedTypes = new Set<Rec<'ReadingType'>>();
  /** Usage points and meter readings by identity and content, with where their copies stood. */
  private readonly occurrences = new Occurrences();
  /** Children placed among entries sharing a self href, reported once per kind and parent. */
  private readonly placements = new Set<string>();
  private readonly unsettled: { usagePoint: LinkedUsagePoint; ltp: Rec<'LocalTimeParameters'> }[] = [];
  private readonly blocks = new PendingBlocks();
  private readonly spill: BlockSpill;
  /**
   * The last accepted reading and its block, for the neighbour-overlap rule. One pair suffices: the readers finish
   * a block's readings before the next block's begin.
   */
  private previous: EspiIntervalReading | undefined;
  private previousOrdinal = -1;
  /** Per self href its first entry, for every kind but blocks, whose hrefs are in `blockHrefs`. */
  private readonly selfLinks = new Map<string, SelfLink>();
  private readonly blockHrefs = new BlockHrefs();
  /** The entry of the last block: several IntervalBlocks in one entry share its self link. */
  private lastBlockEntry: EntryInfo | undefined;
  private readonly diagnostics: Diagnostic[] = [];
  private pending: Diagnostic[] = [];
  private readonly perCode = new Map<string, number>();
  private errorCount = 0;
  private warningCount = 0;

  constructor(private readonly options: LinkOptions) {
    this.spill = new BlockSpill(options.spillMemoryBytes ?? SPILL_MEMORY_BYTES, options.tempDir);
  }

  close() {
    this.spill.close();
  }

  report(d: Diagnostic) {
    if (d.severity === 'error') this.errorCount++;
    else this.warningCount++;
    const seen = (this.perCode.get(d.code) ?? 0) + 1;
    this.perCode.set(d.code, seen);
    if (seen <= (this.options.maxDiagnosticsPerCode ?? 100)) {
      this.diagnostics.push(d);
      this.pending.push(d);
    }
  }

  *drainDiagnostics(): Generator<ParseEvent> {
    if (this.pending.length === 0) return;
    const out = this.pending;
    this.pending = [];
    for (const diagnostic of out) yield { type: 'diagnostic', diagnostic };
  }

  add(r: Exclude<ReaderEvent, { type: 'Readings' | 'Diagnostic' }>) {
    if (this.repeatsSelfLink(r)) return;
    switch (r.type) {
      case 'UsagePoint':
        return void this.usagePoints.push(r);
      case 'MeterReading':
        return void this.meterReadings.push(r);
      case 'ReadingType':
        return void this.readingTypes.push(r);
      case 'LocalTimeParameters':
        return void this.ltps.push(r);
      case 'UsageSummary':
      case 'ElectricPowerUsageSummary':
        return void this.summaries.push(r);
      case 'CustomerEntity':
        return void this.customers.push(r);
      case 'IntervalBlock':
        // Its readings are all in: the last one, kept for the neighbour-overlap rule, is not needed any more.
        this.spill.write(this.blocks.close(r.block));
        if (this.previousOrdinal === r.block.ordinal) this.previous = undefined;
        return;
    }
  }

  /**
   * A second entry with an earlier entry's self link and the same content is a repeat (custodians resend entries
   * in batch feeds): reported and dropped. With other content, or of another kind, it is a collision: reported and
   * kept, since either could be the right one (links to that href may then be ambiguous). Usage points and meter
   * readings are left to their own identity rules below; blocks cannot be compared (their readings have streamed
   * on), so the coverage checks judge them.
   */
  private repeatsSelfLink(r: Exclude<ReaderEvent, { type: 'Readings' | 'Diagnostic' }>): boolean {
    const self = r.entry.self && normalizeHref(r.entry.self);
    if (!self || r.type === 'UsagePoint' || r.type === 'MeterReading') return false;
    const first = this.selfLinks.get(self);
    if (first?.entry === r.entry) return false;
    const kind = r.type === 'CustomerEntity' ? r.kind : r.type;
    if (r.type === 'IntervalBlock') {
      const sibling = r.entry === this.lastBlockEntry;
      this.lastBlockEntry = r.entry;
      const repeated = !this.blockHrefs.add(self);
      if (first) this.collision(kind, self, r.entry, `the ${first.kind} at line ${first.entry.line}`);
      else if (repeated && !sibling) this.collision(kind, self, r.entry, 'an earlier IntervalBlock');
      return false;
    }
    if (!first) {
      if (this.blockHrefs.has(self) && r.entry !== this.lastBlockEntry) this.collision(kind, self, r.entry, 'an earlier IntervalBlock');
      else this.selfLinks.set(self, { kind, entry: r.entry, contents: new Map([[this.content(r), r.entry]]) });
      return false;
    }
    const content = this.content(r);
    const same = first.kind === kind ? first.contents.get(content) : undefined;
    if (same) {
      this.duplicate(kind, self, r.entry, same);
      return true;
    }
    if (first.kind === kind) first.contents.set(content, r.entry);
    this.collision(kind, self, r.entry, `the ${first.kind} at line ${first.entry.line}${first.kind === kind ? ' with other content' : ''}`);
    return false;
  }

  private content(r: Exclude<ReaderEvent, { type: 'Readings' | 'Diagnostic' }>): string {
    return JSON.stringify({ ...r, entry: undefined });
  }

  private collision(kind: string, self: string, entry: EntryInfo, earlier: string, key?: string) {
    const kept = key ? `both kept, this one under the key ${key}` : 'both kept';
    this.report({ severity: 'warning', code: 'self-link-collision', message: `${kind} has the self link of ${earlier}; ${kept}`, line: entry.line, entity: self });
  }

  /** Drops readings whose interval repeats or overlaps one already in the block; keeps running totals. */
  checkReadings(info: BlockInfo, readings: EspiIntervalReading[]): EspiIntervalReading[] {
    const o = info.ordinal;
    let kept = readings;
    for (let i = 0; i < readings.length; i++) {
      const r = readings[i];
      const end = r.start + r.duration;
      // A zero-length reading still occupies its start second, so two of them at one instant are caught.
      if (!this.blocks.cover(o, r.start, Math.max(end, r.start + 1)) && !this.overlapsOnlyNeighbour(r, info)) {
        if (kept === readings) kept = readings.slice(0, i);
        this.report({
          severity: 'error',
          code: 'reading-duplicate-start',
          message: `reading at ${r.start} (${new Date(r.start * 1000).toISOString()}) repeats or overlaps another in its block`,
          line: r.line,
          entity: info.entry.self ?? info.entry.id,
        });
        continue;
      }
      if (kept !== readings) kept.push(r);
      this.previous = r;
      this.previousOrdinal = o;
      this.blocks.count(o, r.start, end, r.duration, r.value, r.cost);
    }
    return kept;
  }

  /**
   * Billing-period files compute durations from local dates, so a period that spans a DST change runs an hour
   * into its neighbour. A reading that only overlaps the reading before it in the file, with a different start,
   * is kept with a warning; its non-overlapping part joins the coverage. Identical starts stay errors.
   */
  private overlapsOnlyNeighbour(r: EspiIntervalReading, info: BlockInfo): boolean {
    const p = this.previousOrdinal === info.ordinal ? this.previous : undefined;
    if (!p || p.start === r.start) return false;
    const end = r.start + r.duration;
    const pEnd = p.start + p.duration;
    const clipped: [number, number] | undefined =
      r.start > p.start && r.start < pEnd && end > pEnd ? [pEnd, end] : r.start < p.start && end > p.start ? [r.start, p.start] : undefined;
    if (!clipped || !this.blocks.cover(info.ordinal, clipped[0], clipped[1])) return false;
    this.report({
      severity: 'warning',
      code: 'reading-overlap',
      message: `reading at ${new Date(r.start * 1000).toISOString()} overlaps its neighbour by ${Math.min(end, pEnd) - Math.max(r.start, p.start)} s`,
      line: r.line,
      entity: info.entry.self ?? info.entry.id,
    });
    return true;
  }

  rejectedFeed(): LinkedFeed {
    return { ...this.emptyFeed(), fileRejected: true };
  }

  private emptyFeed(): LinkedFeed {
    return {
      source: this.options.source,
      usagePoints: [],
      meterReadings: [],
      summaries: [],
      customers: [],
      serviceLocationUsagePoints: [],
      localTimeParameters: [],
      unusedReadingTypes: [],
      blockOwner: new BlockOwners(),
      pending: {
        spilledBlocks: this.spill.count,
        spilledBytes: this.spill.bytes,
        spilledToDisk: this.spill.onDisk,
        peakOpenBlocks: this.blocks.peakOpen,
        blockHrefsHeld: this.blockHrefs.retained,
      },
      diagnostics: this.diagnostics,
      errorCount: this.errorCount,
      warningCount: this.warningCount,
      fileRejected: false,
    };
  }

  link(): LinkedFeed {
    const usagePoints = new Parents(this.linkUsagePoints());
    const meterReadings = new Parents(this.linkMeterReadings(usagePoints));
    const blockOwner = this.linkBlocks(meterReadings);
    const linkedReadings = uniqueBy(meterReadings.list.flatMap((m) => (m.linked ? [m.linked] : [])), (m) => m);
    for (const { usagePoint: up, ltp } of this.unsettled) this.report(settleZone(up, ltp, linkedReadings.filter((m) => m.usagePoint === up), this.options.fallbackZone));
    // The rows are read: the temporary file goes now, not when the consumer finishes with the feed.
    this.spill.close();
    const summaries = this.summaries.map((s) => ({
      type: s.type,
      usagePoint: this.findParent(s.entry, usagePoints, s.type, ['UsageSummary', 'ElectricPowerUsageSummary'], false)?.linked,
      fields: s.fields,
      entry: s.entry,
    }));
    for (const s of summaries) {
      if (!s.usagePoint) this.unlinked(s.type, s.entry, 'usage point');
    }
    const serviceLocationUsagePoints = this.linkServiceLocations(usagePoints.list);
    return {
      ...this.emptyFeed(),
      usagePoints: usagePoints.list.flatMap((u) => (u.linked ? [u.linked] : [])),
      meterReadings: linkedReadings,
      summaries,
      customers: this.customers,
      serviceLocationUsagePoints,
      localTimeParameters: this.ltps,
      unusedReadingTypes: this.readingTypes.filter((t) => !this.usedTypes.has(t)),
      blockOwner,
      errorCount: this.errorCount,
      warningCount: this.warningCount,
    };
  }

  private linkServiceLocations(usagePoints: Candidate<LinkedUsagePoint>[]): LinkedFeed['serviceLocationUsagePoints'] {
    const byRef = new Map<string, LinkedUsagePoint>();
    for (const u of usagePoints) {
      if (!u.linked) continue;
      if (u.href) byRef.set(u.href, u.linked);
      if (u.linked.atomId) byRef.set(u.linked.atomId, u.linked);
    }
    const links: LinkedFeed['serviceLocationUsagePoints'] = [];
    for (const c of this.customers) {
      if (c.kind !== 'ServiceLocation') continue;
      for (const ref of c.usagePointRefs) {
        const usagePoint = byRef.get(ref) ?? byRef.get(normalizeHref(ref));
        if (usagePoint) links.push({ serviceLocation: c, usagePoint });
        else if (byRef.size > 0) {
          this.report({
            severity: 'warning',
            code: 'unlinked-usage-point-ref',
            message: `ServiceLocation names usage point ${ref}, which is not in this file`,
            line: c.entry.line,
            entity: c.entry.self ?? c.entry.id,
          });
        }
      }
    }
    return links;
  }

  // --- usage points and their time zones --------------------------------------------------------------------

  /**
   * Usage points by identity (self, else atom:id): the same content again is a duplicate (first kept); other content
   * is another usage point, kept under the key `…(<n>)` (a path: the href an export writes stays its own).
   */
  private linkUsagePoints(): Candidate<LinkedUsagePoint>[] {
    const out: Candidate<LinkedUsagePoint>[] = [];
    for (const up of this.usagePoints) {
      const href = up.entry.self && normalizeHref(up.entry.self);
      const identity = href ?? (up.entry.id && `id:${up.entry.id}`);
      if (!identity) {
        this.report({ severity: 'error', code: 'usage-point-no-identity', message: 'UsagePoint entry has neither a self link nor an atom:id', line: up.entry.line });
        continue;
      }
      const seenAs = this.occurrences.see(`UsagePoint ${identity}`, JSON.stringify([up.serviceKind, up.status, up.roleFlags, linkContent(up.entry)]), up.entry);
      if ('repeats' in seenAs) {
        this.duplicate('UsagePoint', identity, up.entry, seenAs.repeats);
        continue;
      }
      const key = `${this.options.source}|${identity}${seenAs.nth > 1 ? `(${seenAs.nth})` : ''}`;
      if (seenAs.first) this.collision('UsagePoint', identity, up.entry, `the UsagePoint at line ${seenAs.first.line} with other content`, key);
      const { unsettled, ...zone } = usagePointZone(up.entry, this.ltps, this.options, (d) => this.report(d));
      const linked: LinkedUsagePoint = {
        key,
        href,
        atomId: up.entry.id,
        title: up.entry.title,
        serviceKind: up.serviceKind,
        status: up.status,
        roleFlags: up.roleFlags,
        tariffProfile: up.tariffProfile,
        ...zone,
        entry: up.entry,
      };
      if (unsettled) this.unsettled.push({ usagePoint: linked, ltp: unsettled });
      out.push({ entry: up.entry, href, linked });
    }
    return out;
  }

  // --- meter readings and reading types ---------------------------------------------------------------------

  private linkMeterReadings(usagePoints: Parents<LinkedUsagePoint>): Candidate<LinkedMeterReading>[] {
    const out = this.distinctMeterReadings(usagePoints);
    const evidence = this.seriesEvidence(out);
    const keys = new Map<string, Candidate<LinkedMeterReading>>();
    for (const candidate of out) {
      const { entry, href } = candidate;
      const identity = href ?? entry.id ?? `line ${entry.line}`;
      const up = this.findParent(entry, usagePoints, 'MeterReading', ['MeterReading'], true)?.linked;
      const rt = this.readingTypeOf(entry, evidence?.get(candidate), up);
      if (!up) {
        this.unlinked('MeterReading', entry, 'usage point');
        continue;
      }
      if (!rt) {
        this.unlinked('MeterReading', entry, 'reading type');
        continue;
      }
      this.usedTypes.add(rt);
      const signature = readingTypeSignature(rt.fields);
      const key = `${up.key}|${signature}`;
      const clash = keys.get(key);
      if (clash) {
        this.report({
          severity: 'warning',
          code: 'meter-reading-merged',
          message: `MeterReading ${identity} has the same usage point and reading type as ${clash.href ?? clash.entry.id}: their readings form one series`,
          line: entry.line,
          entity: identity,
        });
        candidate.linked = clash.linked;
        continue;
      }
      candidate.linked = {
        key,
        href,
        usagePoint: up,
        readingType: rt.fields,
        readingTypeHref: rt.entry.self && normalizeHref(rt.entry.self),
        flow: flowOf(rt.fields),
        blockCount: 0,
        readingCount: 0,
        valueTotal: 0n,
        costTotal: 0n,
        entry,
      };
      keys.set(key, candidate);
    }
    return out;
  }

  /**
   * MeterReadings by identity (self, else atom:id): a repeat with the same links and usage point is a duplicate
   * (first kept); any other is another resource under the same self href, kept (its blocks are placed by `findParent`).
   */
  private distinctMeterReadings(usagePoints: Parents<LinkedUsagePoint>): Candidate<LinkedMeterReading>[] {
    const out: Candidate<LinkedMeterReading>[] = [];
    for (const { entry } of this.meterReadings) {
      const href = entry.self && normalizeHref(entry.self);
      const identity = href ?? entry.id ?? `line ${entry.line}`;
      // Under a usage point that shares its self href with another, the same links name another resource.
      const up = this.findParent(entry, usagePoints, 'MeterReading', ['MeterReading'], false)?.linked;
      const seenAs = this.occurrences.see(`MeterReading ${identity}`, JSON.stringify([up?.key, linkContent(entry)]), entry);
      if ('repeats' in seenAs) {
        this.duplicate('MeterReading', identity, entry, seenAs.repeats);
        continue;
      }
      if (seenAs.first) this.collision('MeterReading', identity, entry, `the MeterReading at line ${seenAs.first.line} with other links or usage point`);
      out.push({ entry, href });
    }
    return out;
  }

  /** What each MeterReading's blocks say, read from the spilled rows only when one of them reaches several ReadingTypes. */
  private seriesEvidence(meterReadings: Candidate<LinkedMeterReading>[]): Map<Candidate<LinkedMeterReading>, SeriesEvidence> | undefined {
    if (!meterReadings.some((m) => readingTypesReached(m.entry, this.readingTypes).length > 1)) return undefined;
    const parents = new Parents(meterReadings);
    const evidence = new Map<Candidate<LinkedMeterReading>, SeriesEvidence>();
    for (const block of this.spill.read()) {
      const mr = this.findParent(block.entry, parents, 'IntervalBlock', ['IntervalBlock'], false);
      if (!mr) continue;
      evidence.set(mr, (evidence.get(mr) ?? new SeriesEvidence()).add(block.readingCount, block.durations));
    }
    return evidence;
  }

  private readingTypeOf(mr: EntryInfo, data: SeriesEvidence | undefined, up: LinkedUsagePoint | undefined): Rec<'ReadingType'> | undefined {
    const { readingType, diagnostic } = readingTypeOf(mr, this.readingTypes, data, up?.localTimeParameters?.dstOffset ?? 3600);
    if (diagnostic) this.report(diagnostic);
    return readingType ?? (this.readingTypes.length === 1 && this.meterReadings.length === 1 ? this.readingTypes[0] : undefined);
  }

  // --- interval blocks ---------------------------------------------------------------------------------------

  private linkBlocks(meterReadings: Parents<LinkedMeterReading>): BlockOwners<LinkedMeterReading> {
    const owner = new BlockOwners<LinkedMeterReading>();
    const coverage = new Map<LinkedMeterReading, Coverage>();
    for (const block of this.spill.read()) {
      const mr = this.findParent(block.entry, meterReadings, 'IntervalBlock', ['IntervalBlock'], true);
      if (!mr || !mr.linked) {
        if (!mr) this.unlinked('IntervalBlock', block.entry, 'meter reading', block.readingCount);
        else this.rejectBlock(block, 'block-owner-rejected', `its MeterReading was rejected`);
        continue;
      }
      const linked = mr.linked;
      if (block.readingCount > 0 && linked.readingType.uom === undefined) {
        this.rejectBlock(block, 'unit-missing', `readings with values but the ReadingType ${linked.readingTypeHref ?? ''} has no uom`);
        continue;
      }
      let seen = coverage.get(linked);
      if (!seen) coverage.set(linked, (seen = new Coverage()));
      if (!seen.addRanges(block.ranges)) {
        this.rejectBlock(block, 'reading-duplicate-start', `readings repeat or overlap those of an earlier block of ${linked.href ?? linked.key}`);
        continue;
      }
      this.checkIntervalLength(block, linked);
      owner.add(block.ordinal, linked);
      linked.blockCount++;
      linked.readingCount += block.readingCount;
      linked.valueTotal += block.valueTotal;
      linked.costTotal += block.costTotal;
      const { firstStart, lastEnd } = block;
      if (firstStart !== undefined && (linked.firstStart === undefined || firstStart < linked.firstStart)) linked.firstStart = firstStart;
      if (lastEnd !== undefined && (linked.lastEnd === undefined || lastEnd > linked.lastEnd)) linked.lastEnd = lastEnd;
    }
    return owner;
  }

  private checkIntervalLength(block: SpilledBlock, mr: LinkedMeterReading) {
    const expected = mr.readingType.intervalLength;
    if (expected === undefined) return;
    const dst = mr.usagePoint.localTimeParameters?.dstOffset ?? 3600;
    const off: string[] = [];
    for (let i = 0; i < block.durations.length; i += 2) {
      const [duration, count] = [block.durations[i], block.durations[i + 1]];
      // Local days and months are an hour short or long across a DST change: that is not a disagreement.
      if (duration !== expected && Math.abs(duration - expected) !== dst) off.push(`${count}× ${duration} s`);
    }
    if (off.length > 0) {
      this.report({
        severity: 'warning',
        code: 'interval-length-mismatch',
        message: `ReadingType intervalLength is ${expected} s but readings last ${off.join(', ')}`,
        line: block.line,
        entity: blockName(block),
      });
    }
  }

  private rejectBlock(block: SpilledBlock, code: string, why: string) {
    this.report({
      severity: 'error',
      code,
      message: `IntervalBlock rejected with its ${block.readingCount} readings: ${why}`,
      line: block.line,
      entity: blockName(block),
    });
  }

  // --- shared link rules -------------------------------------------------------------------------------------

  /**
   * The parent of a child entry, by the first rule that finds one: the child's `up` names the parent itself or
   * the parent's collection; the child's self href sits under the parent; the parent's `related` names the
   * child or its collection; and, with no links at all, the only candidate in the file.
   */
  private findParent<T>(child: EntryInfo, parents: Parents<T>, childKind: string, collections: string[], reportAmbiguity: boolean): Candidate<T> | undefined {
    const up = child.up && normalizeHref(child.up);
    const self = child.self && normalizeHref(child.self);
    const rules: (() => Candidate<T>[])[] = [
      () => parents.withHref(up),
      () => collections.flatMap((c) => parents.withHref(up && parentOf(up, c))),
      () => collections.flatMap((c) => parents.withHref(self && parentOf(self, c))),
      () => [...parents.relating(self), ...parents.relating(up), ...parents.relating(self && collectionOf(self))],
    ];
    for (const rule of rules) {
      const found = uniqueBy(rule(), (p) => p);
      if (found.length === 1) return found[0];
      if (found.length > 1 && found[0].href && found.every((p) => p.href === found[0].href)) return this.sharedSelf(child, childKind, found, reportAmbiguity);
      if (found.length > 1) {
        if (reportAmbiguity) {
          this.report({ severity: 'error', code: 'link-ambiguous', message: `${childKind} could belong to ${found.length} parents`, line: child.line, entity: self ?? child.id });
        }
        return undefined;
      }
    }
    // Only a child that names no parent at all may fall to the single candidate; a wrong `up` is an error.
    if (parents.list.length === 1 && !child.up) return parents.list[0];
    return undefined;
  }

  /** A child whose link names a self href that several kept entries share: the last of them before it in the file. */
  private sharedSelf<T>(child: EntryInfo, childKind: string, parents: Candidate<T>[], report: boolean): Candidate<T> {
    const chosen = this.occurrences.nearestBefore(parents, child.line);
    const said = `${childKind}|${chosen.href}|${chosen.entry.line}`;
    if (report && !this.placements.has(said)) {
      this.placements.add(said);
      this.report(placedDiagnostic(child, childKind, parents, chosen));
    }
    return chosen;
  }

  private unlinked(kind: string, entry: EntryInfo, what: string, readings?: number) {
    this.report({
      severity: 'error',
      code: `unlinked-${kind.replace(/[A-Z]/g, (c, i) => (i ? '-' : '') + c.toLowerCase())}`,
      message: `${kind} has no ${what} it can be tied to${readings ? `: its ${readings} readings are rejected` : ''}`,
      line: entry.line,
      entity: entry.self ?? entry.id,
    });
  }

  private duplicate(kind: string, identity: string, entry: EntryInfo, earlier: EntryInfo) {
    this.report({
      severity: 'warning',
      code: 'duplicate-entry',
      message: `${kind} ${identity} appears again (first at line ${earlier.line}); the first is kept`,
      line: entry.line,
      entity: identity,
    });
  }
}

interface Candidate<T> {
  entry: EntryInfo;
  href?: string;
  linked?: T;
}

const NONE: never[] = [];

/** Candidate parents indexed by self href and by each `related` href, so finding a parent costs no scan. */
class Parents<T> {
  private readonly bySelf = new Map<string, Candidate<T>[]>();
  private readonly byRelated = new Map<string, Candidate<T>[]>();

  constructor(readonly list: Candidate<T>[]) {
    for (const p of list) {
      if (p.href) push(this.bySelf, p.href, p);
      for (const r of p.entry.related) push(this.byRelated, normalizeHref(r), p);
    }
  }

  withHref(href: string | undefined): Candidate<T>[] {
    return (href && this.bySelf.get(href)) || NONE;
  }

  /** Parents whose `related` links name the href. */
  relating(href: string | undefined): Candidate<T>[] {
    return (href && this.byRelated.get(href)) || NONE;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const blockName = (b: SpilledBlock) => b.entry.self ?? b.entry.id ?? `IntervalBlock#${b.ordinal}`;

function uniqueBy<T, K>(items: T[], key: (t: T) => K): T[] {
  const seen = new Set<K>();
  return items.filter((t) => {
    const k = key(t);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
