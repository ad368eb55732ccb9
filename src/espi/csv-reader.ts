import { TextDecoder } from 'node:util';
import type { ReaderEvent } from './atom-reader';
import {
  flowInHeader,
  knownLayouts,
  matchHeader,
  normaliseHeader,
  type Table,
  type UnitName,
  unitIn,
} from './csv-layouts';
import { elapsedSeconds, periodLabel, periodOf, rowPeriod } from './csv-periods';
import { CsvSeries } from './csv-series';
import { exactCost, exactDecimal, localDate, localDateTime, splitCsv } from './csv-values';
import { EspiFileError } from './diagnostics';
import { linkEspiRecords } from './linker';
import type { LinkOptions, ParseEvent } from './linked-feed';
import { EspiIntervalReading } from './records';
import { ianaZone, resolveLocalTime, TimeZone } from './time-zone';
import { ByteSource } from '../xml/byte-source';
import { memoisedZone } from './zone-memo';

/**
 * Green Button CSV (the utilities' "Download My Data" layouts of `csv-layouts.ts`: SCE, PG&E, SDG&E and a generic
 * one) as a second input adapter: it yields the same records as the Atom reader, so the same linker checks and
 * reports them.
 *
 * A file is free-text preamble lines ("For location: …", "Service,…", "UOM,kWh"), then one or more column header
 * rows, each followed by its data rows. The first header row a layout describes sets how the rows under it are read;
 * a row that is neither data, a header, a section break nor blank is reported (`csv-row-unreadable`), never skipped
 * silently. One usage point per file (named by the layout's preamble key), or per meter where a column names each
 * row's meter; one meter reading per usage point, flow and unit: the flow from the value column's header (delivered
 * 1, received/generation/export 19), the unit from the row's unit cell, else the column header, else the preamble's
 * "UOM", else the layout's. Blocks hold one local day of sub-daily rows or one local month of daily and longer rows,
 * and close at every section break and header.
 *
 * Local-time rules, deliberate because the file cannot say which instant it means (times are read in the usage
 * point's configured zone):
 * - a start that falls in the spring-forward gap does not exist: the row is refused (`csv-local-time-skipped`);
 * - a start that occurs twice (fall-back) is its first occurrence the first time the rows under one kind of header
 *   have it and its second occurrence the next time; a third time is a duplicate. Each ambiguous start gets a
 *   `csv-local-time-ambiguous` warning saying which instant was taken;
 * - a row with an ambiguous start lasts its wall-clock length (end − start as written), so "01:45 to 02:00" on the
 *   fall-back night is 15 minutes whichever 01:45 it is; otherwise it lasts until its end's instant, so a day across
 *   a DST change is 23 or 25 hours. A duration in minutes (SDG&E) is taken as written.
 * Values are decimals read exactly into integers: with `decimals` d (default 3) a value is raw × 10^−d of the unit:
 * kWh as uom Wh (72) with powerOfTenMultiplier 3 − d, therms as uom 169 with −d, CCF as ft³ (119) with 2 − d; a
 * value with more non-zero decimals than d is refused (`csv-value-precision`) rather than rounded. A cost column
 * ("$0.15") is the row's cost in hundred-thousandths of US dollars, kept on the delivered value (currency 840).
 */
export interface CsvOptions {
  /** Decimal places of a value kept exactly (the raw integer's scale); default 3, i.e. watt-hours for kWh. */
  decimals?: number;
  batchSize?: number;
  /** Longest line accepted, in characters: bounds memory on a file with no line breaks. */
  maxLineChars?: number;
}

export type CsvParseOptions = Omit<LinkOptions, 'fallbackZone' | 'zoneConfigured'> &
  CsvOptions & { /** IANA zone of the usage point. */ zone: string };

/** Parse, link and validate a Green Button CSV: the CSV counterpart of `parseEspiAtom`. */
export function parseGreenButtonCsv(source: ByteSource, options: CsvParseOptions): AsyncGenerator<ParseEvent> {
  return linkEspiRecords(readGreenButtonCsv(source, options.zone, options), {
    ...options,
    fallbackZone: options.zone,
    zoneConfigured: true,
  });
}

/** The record stream of a Green Button CSV, before linking. */
export async function* readGreenButtonCsv(
  source: ByteSource,
  zoneName: string,
  options: CsvOptions = {},
): AsyncGenerator<ReaderEvent> {
  const reader = new CsvReader(memoisedZone(ianaZone(zoneName)), options);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let pending = '';
  const maxLine = options.maxLineChars ?? 64 * 1024;
  for await (const chunk of source) {
    let text: string;
    try {
      text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    } catch {
      throw new EspiFileError(
        'not-utf8',
        'bytes that are not UTF-8 text: a binary or wrongly encoded file',
        reader.lineNumber,
      );
    }
    const lines = (pending + text).split('\n');
    pending = lines.pop()!;
    if (pending.length > maxLine)
      throw new EspiFileError(
        'csv-line-too-long',
        `a line longer than ${maxLine} characters`,
        reader.lineNumber + lines.length + 1,
      );
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

const MAX_PREAMBLE_KEYS = 64;
/** Data-like rows before any header kept to report (the linker keeps 100 diagnostics per code); all are counted. */
const MAX_HEADLESS = 100;
/** No layout has more columns than this: wider lines are not tried as headers (bounds the work on a hostile line). */
const MAX_HEADER_CELLS = 64;

/** A value column of the current table, with what its header says. */
interface ValueColumn {
  index: number;
  flow: number;
  unit?: UnitName;
  /** The row's cost is kept on this column's reading. */
  cost: boolean;
}

interface Current {
  table: Table;
  values: ValueColumn[];
  /** Ambiguous local starts seen so far under this kind of header, with how many times. */
  ambiguousSeen: Map<string, number>;
  /** Local day (or month) of the open blocks. */
  blockKey?: string;
}

class CsvReader {
  lineNumber = 0;
  private queue: ReaderEvent[] = [];
  /** The usage point's name from the preamble, read at the first header. */
  private fileName = '1';
  private readonly preamble = new Map<string, string>();
  private readonly streams = new Map<string, Map<string, number>>();
  /** Data-like rows before any header: reported when a header comes, counted in the refusal when none does. */
  private headless: { line: number; text: string }[] = [];
  private headlessCount = 0;
  private current: Current | undefined;
  /** First cell of the latest line that was neither data nor a header: a table's title. */
  private title = '';
  /** The layout reads preamble again between tables, so a later value of a key replaces the earlier one. */
  private preambleRepeats = false;
  private readonly decimals: number;
  private readonly blocks: CsvSeries;

  constructor(
    private readonly zone: TimeZone,
    options: CsvOptions,
  ) {
    this.decimals = options.decimals ?? 3;
    if (!Number.isInteger(this.decimals) || this.decimals < 0 || this.decimals > 9)
      throw new RangeError('decimals must be an integer from 0 to 9');
    this.blocks = new CsvSeries((event) => this.queue.push(event), this.decimals, options.batchSize ?? 2048);
  }

  drain(): ReaderEvent[] {
    const out = this.queue;
    this.queue = [];
    return out;
  }

  line(raw: string) {
    const n = ++this.lineNumber;
    const line = raw.replace(/\r$/, '').replace(/\u00a0/g, ' ');
    const cells = splitCsv(line);
    if (cells.every((c) => c.trim() === '')) return;
    if (this.current && this.row(this.current, cells, n)) return;
    const table = cells.length <= MAX_HEADER_CELLS ? matchHeader(cells) : undefined;
    if (table) return this.openTable(table, n);
    const first = normaliseHeader(cells[0]);
    if (this.current?.table.layout.sectionBreak?.test(first)) return this.closeBlocks();
    if (this.current?.table.layout.preambleBetweenTables?.test(first)) {
      this.closeBlocks();
      this.current = undefined;
    }
    if (this.current) {
      return this.diagnostic(
        'error',
        'csv-row-unreadable',
        `row "${line.trim().slice(0, 80)}" is neither data of a ${this.current.table.layout.name} row nor a header`,
        n,
      );
    }
    if (looksLikeData(cells)) {
      if (this.headlessCount++ < MAX_HEADLESS) this.headless.push({ line: n, text: line.trim().slice(0, 80) });
      return;
    }
    this.title = normaliseHeader(cells[0]);
    this.remember(cells);
  }

  end() {
    this.closeBlocks();
    if (this.streams.size === 0) {
      const rows =
        this.headlessCount > 0
          ? ` (${this.headlessCount} rows that look like data, the first at line ${this.headless[0].line})`
          : '';
      throw new EspiFileError(
        'not-green-button-csv',
        `no column header row of a known Green Button CSV layout${rows}; known layouts: ${knownLayouts()}`,
        this.lineNumber || undefined,
      );
    }
  }

  /** A preamble line: "Key,value" or "Key: value" in one cell. */
  private remember(cells: string[]) {
    const colon = /^([^:]{1,40}):\s*(.*)$/.exec(cells[0].trim());
    const key = normaliseHeader(colon ? colon[1] : cells[0]);
    const value = (colon && colon[2] !== '' ? colon[2] : (cells[1] ?? '')).trim();
    if (
      value === '' ||
      value.length > 200 ||
      (this.preamble.has(key) && !this.preambleRepeats) ||
      this.preamble.size >= MAX_PREAMBLE_KEYS
    )
      return;
    this.preamble.set(key, value);
  }

  private openTable(table: Table, line: number) {
    this.closeBlocks();
    // Rows before the first header are reported once the file is known to be a Green Button CSV.
    for (const row of this.headless.splice(0))
      this.diagnostic(
        'error',
        'csv-no-header',
        `an interval row before any column header row: "${row.text}"`,
        row.line,
      );
    const layout = table.layout;
    if (this.blocks.usagePointCount === 0 || layout.preambleBetweenTables) {
      this.fileName =
        layout.identity.map((key) => this.preamble.get(key)).find((v) => v !== undefined) ?? this.fileName;
    }
    this.preambleRepeats = layout.preambleBetweenTables !== undefined;
    if (table.unknown.length > 0) {
      this.diagnostic(
        'warning',
        'csv-column-unknown',
        `columns ${table.unknown.map((h) => `"${h}"`).join(', ')} are not part of the ${layout.name} layout: not read`,
        line,
      );
    }
    const periodHeader = table.at.period === undefined ? '' : table.headers[table.at.period];
    const titled = layout.preambleBetweenTables ? flowInHeader(this.title) : undefined;
    const values = table.values.map(({ index, header }) => ({
      index,
      flow: flowInHeader(header) ?? flowInHeader(periodHeader) ?? titled ?? 1,
      unit: unitIn(header),
      cost: false,
    }));
    if (table.at.cost !== undefined && values.length > 0) (values.find((v) => v.flow === 1) ?? values[0]).cost = true;
    const streamKey = `${layout.name}|${values.map((v) => v.flow).join(',')}`;
    let ambiguousSeen = this.streams.get(streamKey);
    if (!ambiguousSeen) this.streams.set(streamKey, (ambiguousSeen = new Map()));
    this.current = { table, values, ambiguousSeen };
  }

  /** Reads a data row of the current table; false when the row's period cannot be read (not a data row). */
  private row(c: Current, cells: string[], line: number): boolean {
    const period = rowPeriod(c.table, cells);
    if (!period) return false;
    const label = periodLabel(c.table, cells);
    const wall = period.end - period.start;
    if (wall <= 0) {
      // interval_reading holds only readings with a length.
      const [code, what] =
        wall < 0 ? ['reading-negative-duration', 'ends before it starts'] : ['reading-no-duration', 'has no length'];
      this.diagnostic('error', code, `period ${what}: ${label}`, line);
      return true;
    }
    const blockKey = new Date(period.start * 1000).toISOString().slice(0, wall >= 86400 ? 7 : 10);
    if (c.blockKey !== blockKey) this.closeBlocks();
    c.blockKey = blockKey;
    const meter = c.table.at.meter === undefined ? '' : (cells[c.table.at.meter] ?? '').trim();
    const resolved = period.absolute
      ? { start: period.start, ambiguous: false }
      : this.instant(c, `${meter}|${period.start}`, period.start, label, line);
    if (!resolved) return true;
    const duration =
      period.elapsed ?? (resolved.ambiguous ? wall : elapsedSeconds(this.zone, resolved.start, period.end, wall));
    const cost = this.cost(c.table, cells, line);
    let kept = 0;
    for (const column of c.values) {
      const cell = cells[column.index] ?? '';
      if (cell.trim() === '') continue;
      const unit = this.unitOf(c.table, column, cells);
      if (!unit) {
        this.diagnostic(
          'error',
          'csv-unit-unknown',
          `value ${cell.trim()}: no unit in the row, its column header, a "UOM" line or the ${c.table.layout.name} layout`,
          line,
        );
        continue;
      }
      const exact = exactDecimal(cell, this.decimals);
      if (!('value' in exact)) {
        this.diagnostic('error', exact.code, exact.message, line);
        continue;
      }
      const reading: EspiIntervalReading = { start: resolved.start, duration, value: exact.value, line };
      if (column.cost && cost !== undefined) reading.cost = cost;
      this.blocks.add(meter || this.fileName, column.flow, unit, column.cost, line, reading);
      kept++;
    }
    if (kept === 0 && c.values.every((v) => (cells[v.index] ?? '').trim() === '')) {
      this.diagnostic('warning', 'csv-value-missing', `${label}: no value in the row`, line);
    }
    for (const i of c.table.notes) {
      const note = (cells[i] ?? '').trim();
      if (note !== '')
        this.diagnostic(
          'warning',
          'csv-quality-unknown',
          `reading quality or note "${note.slice(0, 60)}" has no ESPI code here; not kept`,
          line,
        );
    }
    return true;
  }

  /** `occurrence` names the local start within its series (meter and time): a repeat is the fall-back hour's second. */
  private instant(
    c: Current,
    occurrence: string,
    local: number,
    period: string,
    line: number,
  ): { start: number; ambiguous: boolean } | undefined {
    const r = resolveLocalTime(this.zone, local);
    if (r.skipped) {
      this.diagnostic(
        'error',
        'csv-local-time-skipped',
        `${period}: this local time does not exist in ${this.zone.name} (clocks spring forward); row refused`,
        line,
      );
      return undefined;
    }
    if (r.second === undefined) return { start: r.first, ambiguous: false };
    const seen = c.ambiguousSeen.get(occurrence) ?? 0;
    c.ambiguousSeen.set(occurrence, seen + 1);
    // A third occurrence maps to the second instant again, where the linker reports the duplicate start.
    const chosen = seen === 0 ? r.first : r.second;
    const which = seen === 0 ? 'first' : 'second';
    this.diagnostic(
      'warning',
      'csv-local-time-ambiguous',
      `${period}: this local time occurs twice in ${this.zone.name}; taken as its ${which} occurrence, ${new Date(chosen * 1000).toISOString()}`,
      line,
    );
    return { start: chosen, ambiguous: true };
  }

  private closeBlocks() {
    this.blocks.closeBlocks();
    if (this.current) this.current.blockKey = undefined;
  }

  private cost(t: Table, cells: string[], line: number): number | undefined {
    const text = t.at.cost === undefined ? '' : (cells[t.at.cost] ?? '').trim();
    if (text === '') return undefined;
    const exact = exactCost(text);
    if ('value' in exact) return exact.value;
    this.diagnostic('warning', 'csv-cost-unreadable', `${exact.message}; the reading is kept without its cost`, line);
    return undefined;
  }

  private unitOf(t: Table, column: ValueColumn, cells: string[]): UnitName | undefined {
    const cell = t.at.unit === undefined ? undefined : unitIn(cells[t.at.unit] ?? '');
    const uom = this.preamble.get('uom');
    return cell ?? column.unit ?? (uom === undefined ? undefined : unitIn(uom)) ?? t.layout.unit;
  }

  private diagnostic(severity: 'error' | 'warning', code: string, message: string, line: number) {
    this.queue.push({ type: 'Diagnostic', diagnostic: { severity, code, message, line, entity: this.blocks.entity } });
  }
}

/** A row that reads as an interval, not a "Key,value" preamble line: a time first, or three cells or more with a date. */
function looksLikeData(cells: string[]): boolean {
  const isTime = (cell: string) =>
    localDate(cell) !== undefined || localDateTime(cell) !== undefined || periodOf(cell) !== undefined;
  if (isTime(cells[0])) return true;
  const some = cells.slice(0, MAX_HEADER_CELLS);
  return some.filter((c) => c.trim() !== '').length >= 3 && some.some(isTime);
}
