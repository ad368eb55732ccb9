import type { Writable } from 'node:stream';
import { AtomFeedWriter, escapeXml } from './atom-writer';
import { READING_TYPE_NUMBERS } from './entity-fields';
import { localTimeParametersFor } from './ltp-encode';
import { INT48_MAX, INT48_MIN } from './numbers';
import {
  DateTimeInterval,
  EspiIntervalReading,
  EspiLineItem,
  ReadingTypeFields,
  SUMMARY_MEASUREMENT_FIELDS,
  SummaryMeasurement,
  UsageSummaryFields,
} from './records';
import { LtpFields } from './time-zone';
import { uuidV5 } from './uuid';
import { ascii, type XmlBytes } from './xml-bytes';
import type { CollectedFeed } from './parse';

const ESPI_NS = 'http://naesb.org/espi';

/**
 * What the writer needs of a usage point. The reader's `LinkedUsagePoint` is one, and so is a row from the
 * portal's database: plain fields, no parser state.
 */
export interface EspiUsagePointRecord {
  /** Natural key: names the entry's id and hrefs, so the same usage point always gets the same ones. */
  key: string;
  /**
   * Its self href when it already has one (the href it was loaded by): a re-export names the same usage point, so
   * loading it back where it came from finds the same rows. Default: one under the feed's subscription.
   */
  self?: string;
  title?: string;
  serviceKind?: number;
  status?: number;
  roleFlags?: string;
  /** The code of the tariff it is billed on: its ServiceDeliveryPoint's tariffProfile. */
  tariffProfile?: string | null;
  /** Written as given when present (a re-export keeps the file's rules)… */
  localTimeParameters?: LtpFields;
  /** …otherwise encoded from this IANA zone (the rules in force in the options' `zoneYear`). */
  zone: { readonly name: string };
}

export interface EspiMeterReadingRecord {
  key: string;
  readingType: ReadingTypeFields;
}

/** One IntervalBlock: the exporter decides how readings are grouped (one block per local day, typically). */
export interface EspiIntervalBlockRecord {
  interval?: DateTimeInterval;
  readings: readonly Omit<EspiIntervalReading, 'line'>[];
}

export interface EspiUsageSummaryRecord {
  type: 'UsageSummary' | 'ElectricPowerUsageSummary';
  /** Its self href when it already has one; default: one under its usage point, from the billing period. */
  self?: string;
  fields: UsageSummaryFields;
}

export interface FeedWriterOptions {
  /** Prefix of every href, e.g. `https://portal.example/DataCustodian/espi/1_1/resource`. */
  baseUrl: string;
  /** Natural key of the whole feed (a retail customer, a subscription): names the feed's id and its hrefs. */
  feedKey: string;
  title?: string;
  /** Generation time, epoch seconds: the feed's and every entry's published/updated, the only bytes that vary. */
  generatedAt: number;
  /** Year whose DST rules are written for a usage point known only by its IANA zone; default: that of generatedAt. */
  zoneYear?: number;
}

export class EspiWriteError extends Error {
  override name = 'EspiWriteError';
}

export interface UsagePointRef {
  readonly self: string;
}
export interface MeterReadingRef {
  readonly self: string;
  readonly key: string;
}

/**
 * Streams an ESPI usage feed (Atom) that validates against espi.xsd: usage points with their LocalTimeParameters,
 * meter readings with their ReadingType, interval blocks and usage summaries, linked by the ESPI collection
 * convention (self; up to the collection; a UsagePoint's related → its MeterReading and UsageSummary collections
 * and its LocalTimeParameters; a MeterReading's related → its IntervalBlock collection and ReadingType).
 * Calls must be awaited in order: each waits for the destination when it pushes back.
 */
export class EspiUsageFeedWriter {
  private readonly atom: AtomFeedWriter;
  private readonly root: string;
  private readonly writtenLtp = new Set<string>();

  constructor(
    out: Writable,
    private readonly options: FeedWriterOptions,
  ) {
    this.root = `${options.baseUrl.replace(/\/+$/, '')}/Subscription/${uuidV5(`subscription|${options.feedKey}`)}`;
    this.atom = new AtomFeedWriter(out, {
      id: `urn:uuid:${uuidV5(`feed|${options.feedKey}`)}`,
      title: options.title ?? 'Green Button Usage Feed',
      self: this.root,
      generatedAt: options.generatedAt,
    });
  }

  async usagePoint(up: EspiUsagePointRecord): Promise<UsagePointRef> {
    const ltp =
      up.localTimeParameters ??
      localTimeParametersFor(
        up.zone.name,
        this.options.zoneYear ?? new Date(this.options.generatedAt * 1000).getUTCFullYear(),
      );
    const ltpKey = `ltp|${ltp.tzOffset}|${ltp.dstOffset}|${ltp.dstStartRule}|${ltp.dstEndRule}`;
    const ltpSelf = `${this.options.baseUrl.replace(/\/+$/, '')}/LocalTimeParameters/${uuidV5(ltpKey)}`;
    if (!this.writtenLtp.has(ltpKey)) {
      this.writtenLtp.add(ltpKey);
      await this.atom.entry({
        id: `urn:uuid:${uuidV5(ltpKey)}`,
        self: ltpSelf,
        up: collectionOf(ltpSelf),
        related: [],
        title: 'LocalTimeParameters',
        content: localTimeParametersXml(ltp),
      });
    }
    const { self } = this.usagePointRef(up);
    await this.atom.entry({
      id: `urn:uuid:${uuidV5(`usage-point|${up.key}`)}`,
      self,
      up: collectionOf(self),
      related: [`${self}/MeterReading`, `${self}/UsageSummary`, ltpSelf],
      title: up.title ?? '',
      content: usagePointXml(up),
    });
    return { self };
  }

  /** The href `usagePoint` gives this usage point, without writing it: for a feed of its children alone. */
  usagePointRef(up: Pick<EspiUsagePointRecord, 'key' | 'self'>): UsagePointRef {
    return { self: up.self ?? `${this.root}/UsagePoint/${uuidV5(`usage-point|${up.key}`)}` };
  }

  /** The href `meterReading` gives this meter reading, without writing it: for a feed of its blocks alone. */
  meterReadingRef(up: UsagePointRef, key: string): MeterReadingRef {
    return { self: `${up.self}/MeterReading/${uuidV5(`meter-reading|${key}`)}`, key };
  }

  async meterReading(up: UsagePointRef, mr: EspiMeterReadingRecord): Promise<MeterReadingRef> {
    const id = uuidV5(`meter-reading|${mr.key}`);
    const { self } = this.meterReadingRef(up, mr.key);
    const typeSelf = this.readingTypeSelf(mr.key);
    await this.atom.entry({
      id: `urn:uuid:${id}`,
      self,
      up: collectionOf(self),
      related: [`${self}/IntervalBlock`, typeSelf],
      title: '',
      content: `      <MeterReading xmlns="${ESPI_NS}"/>\n`,
    });
    await this.readingType(mr.key, mr.readingType);
    return { self, key: mr.key };
  }

  /** A ReadingType entry on its own: a meter reading's (written by `meterReading`) or a ReadingType collection's. */
  async readingType(key: string, fields: ReadingTypeFields, title = ''): Promise<void> {
    const self = this.readingTypeSelf(key);
    await this.atom.entry({
      id: `urn:uuid:${uuidV5(`reading-type|${key}`)}`,
      self,
      up: collectionOf(self),
      related: [],
      title,
      content: readingTypeXml(fields),
    });
  }

  private readingTypeSelf(key: string): string {
    return `${this.options.baseUrl.replace(/\/+$/, '')}/ReadingType/${uuidV5(`reading-type|${key}`)}`;
  }

  async intervalBlock(mr: MeterReadingRef, block: EspiIntervalBlockRecord): Promise<void> {
    const first = block.readings[0]?.start;
    if (first === undefined && !block.interval)
      throw new EspiWriteError(`an IntervalBlock of ${mr.key} with neither an interval nor readings`);
    const id = uuidV5(`interval-block|${mr.key}|${block.interval?.start ?? ''}|${first ?? ''}`);
    const self = `${mr.self}/IntervalBlock/${id}`;
    await this.atom.entry({
      id: `urn:uuid:${id}`,
      self,
      up: collectionOf(self),
      related: [],
      title: '',
      content: (out) => writeIntervalBlock(out, block),
    });
  }

  async usageSummary(up: UsagePointRef, summary: EspiUsageSummaryRecord): Promise<void> {
    const f = summary.fields;
    const key = `${summary.type}|${up.self}|${f.billingPeriod?.start ?? ''}|${f.statusTimeStamp ?? ''}`;
    const id = uuidV5(key);
    const self = summary.self ?? `${up.self}/${summary.type}/${id}`;
    await this.atom.entry({
      id: `urn:uuid:${id}`,
      self,
      up: collectionOf(self),
      related: [],
      title: '',
      content: usageSummaryXml(summary, this.options.generatedAt),
    });
  }

  end(): Promise<void> {
    return this.atom.end();
  }
}

function collectionOf(self: string): string {
  return self.slice(0, self.lastIndexOf('/'));
}

// --- resource elements, each in espi.xsd sequence order ---------------------------------------------------------

/** An integer field, checked against its XSD range: a writer that emits what the schema refuses would lie. */
function int(name: string, v: number | undefined, min = INT48_MIN, max = INT48_MAX): string {
  if (v === undefined) return '';
  if (!Number.isSafeInteger(v) || v < min || v > max)
    throw new EspiWriteError(`${name} ${v} is not an integer in [${min}, ${max}]`);
  return `<${name}>${v}</${name}>`;
}

const UINT32_MAX = 2 ** 32 - 1;

function interval(name: string, i: DateTimeInterval | undefined): string {
  return i ? `<${name}>${int('duration', i.duration, 0, UINT32_MAX)}${int('start', i.start)}</${name}>` : '';
}

function text(name: string, v: string | undefined): string {
  return v === undefined ? '' : `<${name}>${escapeXml(v)}</${name}>`;
}

function resource(name: string, body: string): string {
  return `      <${name} xmlns="${ESPI_NS}">${body}</${name}>\n`;
}

function usagePointXml(up: EspiUsagePointRecord): string {
  const category =
    up.serviceKind === undefined ? '' : `<ServiceCategory>${int('kind', up.serviceKind)}</ServiceCategory>`;
  const delivery =
    up.tariffProfile == null
      ? ''
      : `<serviceDeliveryPoint>${text('tariffProfile', up.tariffProfile)}</serviceDeliveryPoint>`;
  return resource(
    'UsagePoint',
    text('roleFlags', up.roleFlags) + category + int('status', up.status, 0, 255) + delivery,
  );
}

function hex32(n: number): string {
  return n.toString(16).toUpperCase().padStart(8, '0');
}

function localTimeParametersXml(l: LtpFields): string {
  return resource(
    'LocalTimeParameters',
    `<dstEndRule>${hex32(l.dstEndRule)}</dstEndRule>${int('dstOffset', l.dstOffset)}<dstStartRule>${hex32(l.dstStartRule)}</dstStartRule>${int('tzOffset', l.tzOffset)}`,
  );
}

function ratio(name: string, r: { numerator?: number; denominator?: number } | undefined): string {
  return r ? `<${name}>${int('numerator', r.numerator)}${int('denominator', r.denominator)}</${name}>` : '';
}

function readingTypeXml(t: ReadingTypeFields): string {
  let body = '';
  for (const name of READING_TYPE_NUMBERS) body += int(name, t[name]);
  body +=
    ratio('interharmonic', t.interharmonic) + int('measuringPeriod', t.measuringPeriod) + ratio('argument', t.argument);
  return resource('ReadingType', body);
}

/** An integer element of the per-reading path, its tags encoded once. */
class IntElement {
  private readonly open: Uint8Array;
  private readonly close: Uint8Array;

  constructor(
    private readonly name: string,
    private readonly min = INT48_MIN,
    private readonly max = INT48_MAX,
  ) {
    this.open = ascii(`<${name}>`);
    this.close = ascii(`</${name}>`);
  }

  /** Writes the element, or nothing when `v` is absent; the same checks as `int`. */
  write(out: XmlBytes, v: number | undefined): void {
    if (v === undefined) return;
    if (!Number.isSafeInteger(v) || v < this.min || v > this.max)
      throw new EspiWriteError(`${this.name} ${v} is not an integer in [${this.min}, ${this.max}]`);
    out.raw(this.open);
    out.int(v);
    out.raw(this.close);
  }
}

const READING = {
  open: ascii('        <IntervalReading>'),
  close: ascii('</IntervalReading>\n'),
  qualityOpen: ascii('<ReadingQuality>'),
  qualityClose: ascii('</ReadingQuality>'),
  periodOpen: ascii('<timePeriod>'),
  periodClose: ascii('</timePeriod>'),
  cost: new IntElement('cost'),
  quality: new IntElement('quality'),
  duration: new IntElement('duration', 0, UINT32_MAX),
  start: new IntElement('start'),
  value: new IntElement('value'),
  consumptionTier: new IntElement('consumptionTier'),
  tou: new IntElement('tou'),
  cpp: new IntElement('cpp'),
};
/** Bytes of an IntervalReading with every field at its longest, and of each ReadingQuality it adds. */
const MAX_READING_BYTES = 400;
const MAX_QUALITY_BYTES = 64;

/** The readings go straight to bytes: they are nearly all of a feed, and strings cost several times as much. */
function writeIntervalBlock(out: XmlBytes, block: EspiIntervalBlockRecord): void {
  out.text(`      <IntervalBlock xmlns="${ESPI_NS}">${interval('interval', block.interval)}\n`);
  const el = READING;
  for (const r of block.readings) {
    const qualities = r.qualities;
    out.reserve(MAX_READING_BYTES + (qualities ? qualities.length * MAX_QUALITY_BYTES : 0));
    out.raw(el.open);
    el.cost.write(out, r.cost);
    if (qualities) {
      for (const q of qualities) {
        out.raw(el.qualityOpen);
        el.quality.write(out, q);
        out.raw(el.qualityClose);
      }
    }
    out.raw(el.periodOpen);
    el.duration.write(out, r.duration);
    el.start.write(out, r.start);
    out.raw(el.periodClose);
    el.value.write(out, r.value);
    el.consumptionTier.write(out, r.consumptionTier);
    el.tou.write(out, r.tou);
    el.cpp.write(out, r.cpp);
    out.raw(el.close);
  }
  out.text('      </IntervalBlock>\n');
}

function measurement(name: string, m: SummaryMeasurement | undefined): string {
  if (!m) return '';
  return `<${name}>${int('powerOfTenMultiplier', m.powerOfTenMultiplier)}${int('timeStamp', m.timeStamp)}${int('uom', m.uom)}${int('value', m.value)}${text('readingTypeRef', m.readingTypeRef)}</${name}>`;
}

function lineItem(li: EspiLineItem): string {
  if (li.note === undefined || li.itemKind === undefined)
    throw new EspiWriteError('a LineItem needs its note and itemKind (espi.xsd requires both)');
  return (
    `<costAdditionalDetailLastPeriod>${int('amount', li.amount)}${int('rounding', li.rounding)}${int('dateTime', li.dateTime)}${text('note', li.note)}` +
    `${measurement('measurement', li.measurement)}${int('itemKind', li.itemKind)}${int('unitCost', li.unitCost)}${interval('itemPeriod', li.itemPeriod)}</costAdditionalDetailLastPeriod>`
  );
}

function usageSummaryXml(s: EspiUsageSummaryRecord, generatedAt: number): string {
  const f = s.fields;
  let body =
    interval('billingPeriod', f.billingPeriod) +
    int('billLastPeriod', f.billLastPeriod) +
    int('billToDate', f.billToDate) +
    int('costAdditionalLastPeriod', f.costAdditionalLastPeriod) +
    f.costAdditionalDetailLastPeriod.map(lineItem).join('') +
    int('currency', f.currency);
  for (const name of SUMMARY_MEASUREMENT_FIELDS) body += measurement(name, f.measurements[name]);
  // statusTimeStamp is required; a summary without one is stamped with the export time.
  body +=
    int('qualityOfReading', f.qualityOfReading) +
    measurement('ratchetDemand', f.ratchetDemand) +
    interval('ratchetDemandPeriod', f.ratchetDemandPeriod) +
    int('statusTimeStamp', f.statusTimeStamp ?? generatedAt) +
    int('commodity', f.commodity);
  if (s.type === 'UsageSummary') body += text('tariffProfile', f.tariffProfile) + text('readCycle', f.readCycle);
  return resource(s.type, body);
}

/**
 * Writes back what an import collected, block by block as the file had them: the round trip of the tests, and a
 * way to normalise a custodian's file into one that validates. Usage points without meter readings or summaries
 * are written too, and reading types no meter reading uses; customer entities belong in a customer feed
 * (`EspiCustomerFeedWriter`).
 */
export async function writeCollectedUsageFeed(
  out: Writable,
  collected: CollectedFeed,
  options: FeedWriterOptions,
): Promise<void> {
  const { feed, blocks, blockReadings } = collected;
  const writer = new EspiUsageFeedWriter(out, options);
  for (const up of feed.usagePoints) {
    const upRef = await writer.usagePoint(up);
    for (const mr of feed.meterReadings.filter((m) => m.usagePoint === up)) {
      const mrRef = await writer.meterReading(upRef, mr);
      for (const block of blocks.get(mr) ?? [])
        await writer.intervalBlock(mrRef, {
          interval: block.interval,
          readings: blockReadings.get(block.ordinal) ?? [],
        });
    }
    for (const summary of feed.summaries.filter((s) => s.usagePoint === up)) await writer.usageSummary(upRef, summary);
  }
  for (const [i, t] of feed.unusedReadingTypes.entries())
    await writer.readingType(t.entry.self ?? t.entry.id ?? `#${i}`, t.fields, t.entry.title);
  await writer.end();
}
