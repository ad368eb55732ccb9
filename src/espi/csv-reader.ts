import { TextDecoder } from 'node:util';
import type { ReaderEvent } from './atom-reader';
import { EspiFileError } from './diagnostics';
import { ImportEvent, LinkOptions, linkEspi } from './linker';
import { isInt48 } from './numbers';
import { BlockInfo, EntryInfo, IntervalReading, ReadingTypeFields } from './records';
import { ianaZone, resolveLocalTime, TimeZone } from './time-zone';
import { ByteSource } from './xml-stream';

/**
 * Green Button CSV (the utility download layout, SCE's net-metering file among them) as a second input adapter: it
 * yields the same records as the Atom reader, so the same linker checks and reports them.
 *
 * Layout: free-text header lines ("For location: …"), then sections, each opened by "Data for period starting: …"
 * and a column header naming the flow ("Energy Delivered time period,…" / "Energy Received …"), then rows
 * `"<local start> to <local end>","<kWh decimal>","<quality>"`. Times are local with no zone: they are resolved in
 * the usage point's configured zone. Delivered and received rows become two meter readings (flow 1 and 19), each
 * section one IntervalBlock.
 *
 * Local-time rules, deliberate because the file cannot say which instant it means:
 * - a start that falls in the spring-forward gap does not exist: the row is refused (`csv-local-time-skipped`);
 * - a start that occurs twice (fall-back) is its first occurrence the first time a series has it and its second
 *   occurrence the next time; a third time is a duplicate. Each ambiguous start gets a `csv-local-time-ambiguous`
 *   warning saying which instant was taken;
 * - a row lasts its wall-clock length (end − start as written), so "01:45 to 02:00" on the fall-back night is
 *   15 minutes whichever 01:45 it is.
 * Values are kWh decimals read exactly into integers: with `decimals` d (default 3) a value is raw × 10^−d kWh,
 * i.e. uom Wh (72) with powerOfTenMultiplier 3 − d; a value with more non-zero decimals than d is refused
 * (`csv-value-precision`) rather than rounded.
 */
export interface CsvOptions {
  /** Decimal places of kWh kept exactly (the raw integer's scale); default 3, i.e. watt-hours. */
  decimals?: number;
  batchSize?: number;
  /** Longest line accepted, in characters: bounds memory on a file with no line breaks. */
  maxLineChars?: number;
}

export type CsvImportOptions = Omit<LinkOptions, 'fallbackZone' | 'zoneConfigured'> & CsvOptions & { /** IANA zone of the usage point. */ zone: string };

/** Parse, link and validate a Green Button CSV: the CSV counterpart of `importEspiAtom`. */
export function importGreenButtonCsv(source: ByteSource, options: CsvImportOptions): AsyncGenerator<ImportEvent> {
  return linkEspi(readGreenButtonCsv(source, options.zone, options), { ...options, fallbackZone: options.zone, zoneConfigured: true });
}

const FLOWS = { Delivered: 1, Received: 19 } as const;
type FlowName = keyof typeof FLOWS;

const ROW = /^\s*(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d)(?::(\d\d))?\s+to\s+(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d)(?::(\d\d))?\s*$/;
const DECIMAL = /^\s*([+-]?)(\d*)(?:\.(\d*))?\s*$/;

/** The record stream of a Green Button CSV, before linking. */
export async function* readGreenButtonCsv(source: ByteSource, zoneName: string, options: CsvOptions = {}): AsyncGenerator<ReaderEvent> {
  const reader = new CsvReader(ianaZone(zoneName), options);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let pending = '';
  const maxLine = options.maxLineChars ?? 64 * 1024;
  for await (const chunk of source) {
    let text: string;
    try {
      text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    } catch {
      throw new EspiFileError('not-utf8', 'bytes that are not UTF-8 text: a binary or wrongly encoded file', reader.lineNumber);
    }
    const lines = (pending + text).split('\n');
    pending = lines.pop()!;
    if (pending.length > maxLine) throw new EspiFileError('csv-line-too-long', `a line longer than ${maxLine} characters`, reader.lineNumber + lines.length + 1);
    for (const line of lines) reader.line(line);
    yield* reader.drain();
  }
  try {
    pending += decoder.decode();
  } catch {
    throw new EspiFileError('not-utf8', 'the file ends inside a UTF-8 character', reader.lineNumber);
  }
  if (pending) reader.line(pending);
  reader.end();
  yield* reader.drain();
}

interface Series {
  meterReading: EntryInfo;
  /** Ambiguous local starts seen so far in this series, with how many times. */
  ambiguousSeen: Map<number, number>;
  blocks: number;
}

class CsvReader {
  lineNumber = 0;
  private queue: ReaderEvent[] = [];
  private readonly usagePoint: EntryInfo = { self: '/GreenButtonCsv/UsagePoint/1', up: '/GreenButtonCsv/UsagePoint', related: [], line: 1 };
  private usagePointEmitted = false;
  private readonly series = new Map<FlowName, Series>();
  private current: { series: Series; block: BlockInfo; batch: IntervalReading[]; first?: number; last?: number } | undefined;
  private blockCount = 0;
  private sawSection = false;
  private readonly decimals: number;
  private readonly batchSize: number;

  constructor(
    private readonly zone: TimeZone,
    options: CsvOptions,
  ) {
    this.decimals = options.decimals ?? 3;
    this.batchSize = options.batchSize ?? 2048;
    if (!Number.isInteger(this.decimals) || this.decimals < 0 || this.decimals > 9) throw new RangeError('decimals must be an integer from 0 to 9');
  }

  drain(): ReaderEvent[] {
    const out = this.queue;
    this.queue = [];
    return out;
  }

  line(raw: string) {
    const n = ++this.lineNumber;
    const line = raw.replace(/\r$/, '').replace(/\u00a0/g, ' ');
    if (line.trim() === '') return;
    const fields = splitCsv(line);
    const first = fields[0].trim();
    const location = /^For location:\s*(.+)$/i.exec(first);
    if (location && !this.usagePointEmitted) {
      this.usagePoint.self = `/GreenButtonCsv/UsagePoint/${encodeURIComponent(location[1].trim())}`;
      return;
    }
    if (/^Data for period starting:/i.test(first)) return this.closeBlock();
    const header = /^Energy\s+(Delivered|Received)\s+time period/i.exec(first);
    if (header) return this.openBlock(capitalise(header[1]) as FlowName, n);
    const row = ROW.exec(first);
    if (!row) return;
    if (!this.current) {
      this.diagnostic('error', 'csv-no-section', 'an interval row before any "Energy Delivered/Received" column header', n);
      return;
    }
    this.row(row, fields, n);
  }

  end() {
    this.closeBlock();
    if (!this.sawSection) {
      throw new EspiFileError('not-green-button-csv', 'no "Energy Delivered" or "Energy Received" section: not a Green Button CSV', this.lineNumber || undefined);
    }
  }

  private openBlock(flow: FlowName, line: number) {
    this.closeBlock();
    this.sawSection = true;
    if (!this.usagePointEmitted) {
      this.usagePointEmitted = true;
      this.usagePoint.related.push(`${this.usagePoint.self}/MeterReading`);
      this.queue.push({ type: 'UsagePoint', entry: this.usagePoint, serviceKind: 0 });
    }
    let series = this.series.get(flow);
    if (!series) {
      const self = `${this.usagePoint.self}/MeterReading/${flow}`;
      const readingType = `/GreenButtonCsv/ReadingType/${flow}`;
      series = { meterReading: { self, up: `${this.usagePoint.self}/MeterReading`, related: [readingType], line }, ambiguousSeen: new Map(), blocks: 0 };
      this.series.set(flow, series);
      const fields: ReadingTypeFields = {
        accumulationBehaviour: 4,
        commodity: 1,
        flowDirection: FLOWS[flow],
        kind: 12,
        powerOfTenMultiplier: 3 - this.decimals,
        uom: 72,
      };
      this.queue.push({ type: 'MeterReading', entry: series.meterReading });
      this.queue.push({ type: 'ReadingType', entry: { self: readingType, up: '/GreenButtonCsv/ReadingType', related: [], line }, fields });
    }
    const self = `${series.meterReading.self}/IntervalBlock/${series.blocks++}`;
    const entry: EntryInfo = { self, up: `${series.meterReading.self}/IntervalBlock`, related: [], line };
    this.current = { series, block: { ordinal: this.blockCount++, entry, readingCount: 0, line }, batch: [] };
  }

  private closeBlock() {
    const c = this.current;
    if (!c) return;
    this.current = undefined;
    this.flush(c);
    if (c.first !== undefined && c.last !== undefined) c.block.interval = { start: c.first, duration: c.last - c.first };
    this.queue.push({ type: 'IntervalBlock', entry: c.block.entry, block: c.block });
  }

  private flush(c: NonNullable<CsvReader['current']>) {
    if (c.batch.length === 0) return;
    this.queue.push({ type: 'Readings', block: c.block, readings: c.batch });
    c.batch = [];
  }

  private row(m: RegExpExecArray, fields: string[], line: number) {
    const c = this.current!;
    const localStart = localSeconds(m, 1);
    const localEnd = localSeconds(m, 7);
    const value = this.scaled(fields[1] ?? '', line);
    if (value === undefined) return;
    const duration = localEnd - localStart;
    if (duration < 0) return this.diagnostic('error', 'reading-negative-duration', `period ends before it starts: ${fields[0].trim()}`, line);
    const start = this.instant(c.series, localStart, fields[0].trim(), line);
    if (start === undefined) return;
    if ((fields[2] ?? '').trim() !== '') this.diagnostic('warning', 'csv-quality-unknown', `reading quality "${fields[2].trim()}" has no ESPI code here; not kept`, line);
    c.batch.push({ start, duration, value, line });
    c.block.readingCount++;
    c.first = c.first === undefined ? start : Math.min(c.first, start);
    c.last = c.last === undefined ? start + duration : Math.max(c.last, start + duration);
    if (c.batch.length >= this.batchSize) this.flush(c);
  }

  private instant(series: Series, local: number, period: string, line: number): number | undefined {
    const r = resolveLocalTime(this.zone, local);
    if (r.skipped) {
      this.diagnostic('error', 'csv-local-time-skipped', `${period}: this local time does not exist in ${this.zone.name} (clocks spring forward); row refused`, line);
      return undefined;
    }
    if (r.second === undefined) return r.first;
    const seen = series.ambiguousSeen.get(local) ?? 0;
    series.ambiguousSeen.set(local, seen + 1);
    // A third occurrence maps to the second instant again, where the linker reports the duplicate start.
    const chosen = seen === 0 ? r.first : r.second;
    const which = seen === 0 ? 'first' : 'second';
    this.diagnostic('warning', 'csv-local-time-ambiguous', `${period}: this local time occurs twice in ${this.zone.name}; taken as its ${which} occurrence, ${new Date(chosen * 1000).toISOString()}`, line);
    return chosen;
  }

  /** The value as an integer count of 10^−decimals kWh, exactly, or undefined (reported) when it cannot be. */
  private scaled(text: string, line: number): number | undefined {
    const m = DECIMAL.exec(text);
    if (!m || (m[2] === '' && !m[3])) {
      this.diagnostic('error', 'reading-bad-number', `value "${text.trim().slice(0, 40)}" is not a decimal number`, line);
      return undefined;
    }
    const fraction = m[3] ?? '';
    if (/[1-9]/.test(fraction.slice(this.decimals))) {
      this.diagnostic('error', 'csv-value-precision', `value ${text.trim()} has more than ${this.decimals} decimals: refused rather than rounded`, line);
      return undefined;
    }
    const digits = `${m[2]}${fraction.slice(0, this.decimals).padEnd(this.decimals, '0')}`.replace(/^0+(?=\d)/, '');
    const n = Number(`${m[1]}${digits}`);
    if (!Number.isSafeInteger(n) || !isInt48(n)) {
      this.diagnostic('error', 'value-out-of-range', `value ${text.trim()} is outside the Int48 range of ESPI`, line);
      return undefined;
    }
    return n === 0 ? 0 : n;
  }

  private diagnostic(severity: 'error' | 'warning', code: string, message: string, line: number) {
    const entity = this.current?.block.entry.self;
    this.queue.push({ type: 'Diagnostic', diagnostic: { severity, code, message, line, entity } });
  }
}

function localSeconds(m: RegExpExecArray, at: number): number {
  return Date.UTC(+m[at], +m[at + 1] - 1, +m[at + 2], +m[at + 3], +m[at + 4], +(m[at + 5] ?? 0)) / 1000;
}

/** One CSV line's fields: quoted fields may hold commas and doubled quotes; SCE quotes every data field. */
function splitCsv(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) {
          field += line.slice(i);
          i = line.length;
          break;
        }
        field += line.slice(i, q);
        i = q + 1;
        if (line[i] !== '"') break;
        field += '"';
        i++;
      }
      const comma = line.indexOf(',', i);
      fields.push(field);
      if (comma < 0) return fields;
      i = comma + 1;
    } else {
      const comma = line.indexOf(',', i);
      fields.push(line.slice(i, comma < 0 ? undefined : comma));
      if (comma < 0) return fields;
      i = comma + 1;
    }
  }
}

function capitalise(s: string): string {
  return s[0].toUpperCase() + s.slice(1).toLowerCase();
}
