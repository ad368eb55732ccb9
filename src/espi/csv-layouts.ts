import type { ReadingTypeFields } from './records';

/**
 * The Green Button "Download My Data" CSV layouts this reader knows, each a description of its column header row:
 * which columns it has and what each holds. The reader finds a header row by these descriptions and reads every row
 * under it the same way; a new layout is a new entry here, not new parsing code.
 *
 * Header cells are compared lower-cased, trimmed, with runs of spaces (and U+00A0) as one space.
 */

/** What a column holds. */
export type ColumnRole =
  /** One cell "<local start> to <local end>" (SCE). */
  | 'period'
  /** Local date and time in one cell. */
  | 'start'
  | 'end'
  /** Local date alone: with no start time, the row is that whole day. */
  | 'date'
  | 'startTime'
  /** Local time; written as the interval's last minute by PG&E ("00:14", "23:59"), read as the minute after. */
  | 'endTime'
  /** Interval length in minutes (SDG&E). */
  | 'minutes'
  /** A quantity: one meter reading per (flow, unit), the flow named by the header (see `flowInHeader`). */
  | 'value'
  | 'cost'
  /** The unit of the row's values ("kWh", "therms"). */
  | 'unit'
  /** The meter a row belongs to (SDG&E exports several meters in one file): one usage point per meter. */
  | 'meter'
  /** Reading quality or a note: no ESPI code for its text, so reported, not kept. */
  | 'note'
  /** Recognised and not needed: PG&E's TYPE ("Electric usage"), SDG&E's Net (Consumption − Generation). */
  | 'known';

export interface ColumnSpec {
  role: ColumnRole;
  header: RegExp;
  optional?: boolean;
}

export interface CsvLayout {
  name: string;
  /** The header row as a person would recognise it, for the error that lists the known layouts. */
  looksLike: string;
  columns: ColumnSpec[];
  /** Preamble keys ("Service", "Meter Number", "For location") whose value names the usage point, first found wins
   * (a meter column names each row's instead). */
  identity: string[];
  /** The unit when no row, column header or preamble "UOM" line says. */
  unit?: UnitName;
  /** A line that closes the current blocks (SCE's "Data for period starting: …" day sections). */
  sectionBreak?: RegExp;
  /**
   * Tables follow each other with preamble lines between them (a file of several usage points): such a line closes
   * the table, is read as preamble again, and the next header names its usage point from it; a title line just above
   * a header ("Energy Received") says the flow of its value column.
   */
  preambleBetweenTables?: RegExp;
}

const col = (role: ColumnRole, header: RegExp, optional = false): ColumnSpec => ({ role, header, optional });

const SCE_SECTION = /^data for period starting:/;
const PGE_COLUMNS = [col('known', /^type$/), col('date', /^date$/)];
const PGE_TAIL = [col('unit', /^units$/, true), col('cost', /^cost$/, true), col('note', /^notes$/, true)];
const INTERVAL = [col('startTime', /^start time$/), col('endTime', /^end time$/)];
const PGE_VALUES = col('value', /^(usage|import|export)\b/);

export const CSV_LAYOUTS: readonly CsvLayout[] = [
  {
    name: 'sce',
    looksLike:
      '"Energy Delivered|Received|Consumption time period", "Usage…(Real energy in kilowatt-hours)", "Reading quality" (SCE net metering and consumption)',
    columns: [
      col('period', /^energy (delivered|received|consumption) time period$/),
      col('value', /^usage/),
      col('note', /^reading quality$/, true),
    ],
    identity: ['for location'],
    unit: 'kwh',
    sectionBreak: SCE_SECTION,
  },
  {
    name: 'sce-start-end',
    looksLike: '"Date", "Energy Consumption time Period Start", "… End", "Delivered", "Received" (SCE)',
    columns: [
      col('known', /^date$/, true),
      col('start', /^energy consumption time period start$/),
      col('end', /^energy consumption time period end$/),
      col('value', /^(delivered|received)$/),
    ],
    identity: ['for location'],
    unit: 'kwh',
    sectionBreak: SCE_SECTION,
  },
  {
    name: 'pge',
    looksLike:
      'TYPE, DATE, START TIME, END TIME, USAGE [(unit)] | IMPORT (kWh), EXPORT (kWh), UNITS, COST, NOTES (PG&E electric and gas)',
    columns: [...PGE_COLUMNS, ...INTERVAL, PGE_VALUES, ...PGE_TAIL],
    identity: ['service'],
  },
  {
    name: 'pge-daily',
    looksLike: 'TYPE, DATE, USAGE, UNITS, COST, NOTES (PG&E daily gas)',
    columns: [...PGE_COLUMNS, PGE_VALUES, ...PGE_TAIL],
    identity: ['service'],
  },
  {
    name: 'sdge',
    looksLike:
      'Meter Number, Date, Start Time, Duration, Consumption, Generation, Net, with a "UOM" preamble line (SDG&E electric and gas)',
    columns: [
      col('meter', /^meter number$/),
      col('date', /^date$/),
      col('startTime', /^start time$/),
      col('minutes', /^duration$/),
      col('value', /^(consumption|generation)$/),
      col('known', /^net$/, true),
    ],
    identity: ['meter number'],
  },
  {
    // What this portal's own Download My Data writes (src/services/export/csv.ts): it must load back.
    name: 'usage-portal',
    looksLike:
      'Date, Start, End, Usage, Unit, Cost, Quality, under "Usage point" and "Energy Delivered|Received" lines (this portal\'s download)',
    columns: [
      col('known', /^date$/),
      col('start', /^start$/),
      col('end', /^end$/),
      col('value', /^usage$/),
      col('unit', /^unit$/),
      col('cost', /^cost$/),
      col('note', /^quality$/, true),
    ],
    identity: ['usage point'],
    preambleBetweenTables:
      /^(name|usage point|time zone|period|energy delivered|energy received|net energy|flow direction .*)$/,
  },
  {
    name: 'generic',
    looksLike: 'Date, Start Time, End Time, Usage [(unit)], Units, Cost',
    columns: [col('date', /^date$/), ...INTERVAL, col('value', /^usage\b/), ...PGE_TAIL],
    identity: ['service', 'meter number'],
  },
];

export type UnitName = 'kwh' | 'therm' | 'ccf';

interface Unit {
  /** Name in ids and messages. */
  label: string;
  /** ReadingType fields, without the multiplier. */
  fields: ReadingTypeFields;
  /** The multiplier when values are kept to 0 decimals: kWh are kept as Wh (10^3), CCF as ft³ (10^2), therms as therms. */
  exponent: number;
  /** ServiceKind of a usage point metering it (0 electricity, 1 gas). */
  serviceKind: number;
}

export const UNITS: Record<UnitName, Unit> = {
  kwh: { label: 'kWh', fields: { commodity: 1, kind: 12, uom: 72 }, exponent: 3, serviceKind: 0 },
  therm: { label: 'therm', fields: { commodity: 7, kind: 12, uom: 169 }, exponent: 0, serviceKind: 1 },
  ccf: { label: 'CCF', fields: { commodity: 7, kind: 58, uom: 119 }, exponent: 2, serviceKind: 1 },
};

/** The unit a cell or header names ("kWh", "USAGE (therms)", "kilowatt-hours", "CCF"), if any. */
export function unitIn(text: string): UnitName | undefined {
  const t = text.toLowerCase();
  if (/\bkwh\b|kilowatt-hours?/.test(t)) return 'kwh';
  if (/\btherms?\b/.test(t)) return 'therm';
  if (/\bccf\b/.test(t)) return 'ccf';
  return undefined;
}

/** ESPI flowDirection a value column's header names: received, generation or export → 19; net → 4; else delivered (1). */
export function flowInHeader(header: string): number | undefined {
  if (/\b(received|generation|generated|export)\b/.test(header)) return 19;
  if (/\bnet\b/.test(header)) return 4;
  if (/\b(delivered|consumption|consumed|import)\b/.test(header)) return 1;
  return undefined;
}

export function normaliseHeader(cell: string): string {
  return cell
    .replace(/^\uFEFF/, '')
    .replace(/[\s\u00a0]+/g, ' ')
    .trim()
    .toLowerCase();
}

/** A header row matched to a layout: which cell holds what. */
export interface Table {
  layout: CsvLayout;
  /** Cell index per single-cell role. */
  at: Partial<Record<Exclude<ColumnRole, 'value' | 'note' | 'known'>, number>>;
  values: { index: number; header: string }[];
  notes: number[];
  /** Header cells no column of the layout describes: their contents are not read. */
  unknown: string[];
  /** Every header cell, normalised. */
  headers: string[];
}

/** The first layout whose every required column is in this row, or undefined. */
export function matchHeader(cells: string[]): Table | undefined {
  const headers = cells.map(normaliseHeader);
  for (const layout of CSV_LAYOUTS) {
    const table: Table = { layout, at: {}, values: [], notes: [], unknown: [], headers };
    const used = new Set<number>();
    const complete = layout.columns.every((spec) => {
      const found = headers.flatMap((h, i) => (!used.has(i) && spec.header.test(h) ? [i] : []));
      const take = spec.role === 'value' ? found : found.slice(0, 1);
      for (const i of take) {
        used.add(i);
        if (spec.role === 'value') table.values.push({ index: i, header: headers[i] });
        else if (spec.role === 'note') table.notes.push(i);
        else if (spec.role !== 'known') table.at[spec.role] = i;
      }
      return take.length > 0 || spec.optional;
    });
    if (!complete) continue;
    table.unknown = headers.filter((h, i) => h !== '' && !used.has(i));
    return table;
  }
  return undefined;
}

export function knownLayouts(): string {
  return CSV_LAYOUTS.map((l) => `${l.name}: ${l.looksLike}`).join('; ');
}
