import type { ReaderEvent } from './atom-reader';
import { type UnitName, UNITS } from './csv-layouts';
import { BlockInfo, EntryInfo, EspiIntervalReading, ReadingTypeFields } from './records';

const FLOW_NAMES: Record<number, string> = { 1: 'Delivered', 19: 'Received', 4: 'Net' };

interface OpenBlock {
  block: BlockInfo;
  batch: EspiIntervalReading[];
  first?: number;
  last?: number;
}

interface Series {
  meterReading: EntryInfo;
  blocks: number;
  open?: OpenBlock;
}

/**
 * The ESPI entities a Green Button CSV's readings make: a usage point per file (or meter), a meter reading and its
 * reading type per flow and unit, and interval blocks that stay open until the reader closes them. Each is emitted
 * the first time a reading needs it, in the order the Atom reader would yield them.
 */
export class CsvSeries {
  /** Usage points by self href, each emitted with its first meter reading. */
  private readonly usagePoints = new Map<string, EntryInfo>();
  private readonly readingTypes = new Set<string>();
  private readonly series = new Map<string, Series>();
  /** Series with an open block, in block order. */
  private readonly open = new Set<Series>();
  private blockCount = 0;
  /** The block the last reading went to: the entity of the diagnostics of its row. */
  entity: string | undefined;

  constructor(
    private readonly emit: (event: ReaderEvent) => void,
    private readonly decimals: number,
    private readonly batchSize: number,
  ) {}

  get usagePointCount(): number {
    return this.usagePoints.size;
  }

  add(usagePoint: string, flow: number, unit: UnitName, costed: boolean, line: number, reading: EspiIntervalReading) {
    this.push(this.seriesFor(usagePoint, flow, unit, costed, line), reading);
  }

  /** Closes every open block, with its interval: at a new day or month, a section break, a header and the end. */
  closeBlocks() {
    // Insertion order is block order: a series joins when its block opens.
    for (const s of this.open) {
      const o = s.open!;
      s.open = undefined;
      this.flush(o);
      if (o.first !== undefined && o.last !== undefined)
        o.block.interval = { start: o.first, duration: o.last - o.first };
      this.emit({ type: 'IntervalBlock', entry: o.block.entry, block: o.block });
    }
    this.open.clear();
    this.entity = undefined;
  }

  private seriesFor(usagePoint: string, flow: number, unit: UnitName, costed: boolean, line: number): Series {
    const up = `/GreenButtonCsv/UsagePoint/${encodeURIComponent(usagePoint)}`;
    const key = `${up}|${flow}|${unit}`;
    const known = this.series.get(key);
    if (known) return known;
    const u = UNITS[unit];
    if (!this.usagePoints.has(up)) {
      const entry: EntryInfo = { self: up, up: '/GreenButtonCsv/UsagePoint', related: [`${up}/MeterReading`], line };
      this.usagePoints.set(up, entry);
      this.emit({ type: 'UsagePoint', entry, serviceKind: u.serviceKind });
    }
    const name = `${FLOW_NAMES[flow] ?? flow}${unit === 'kwh' ? '' : `-${u.label}`}`;
    const readingType = `/GreenButtonCsv/ReadingType/${name}${costed ? '-USD' : ''}`;
    const series: Series = {
      meterReading: { self: `${up}/MeterReading/${name}`, up: `${up}/MeterReading`, related: [readingType], line },
      blocks: 0,
    };
    this.series.set(key, series);
    this.emit({ type: 'MeterReading', entry: series.meterReading });
    if (!this.readingTypes.has(readingType)) {
      this.readingTypes.add(readingType);
      const fields: ReadingTypeFields = {
        accumulationBehaviour: 4,
        ...u.fields,
        ...(costed ? { currency: 840 } : {}),
        flowDirection: flow,
        powerOfTenMultiplier: u.exponent - this.decimals,
      };
      this.emit({
        type: 'ReadingType',
        entry: { self: readingType, up: '/GreenButtonCsv/ReadingType', related: [], line },
        fields,
      });
    }
    return series;
  }

  private push(series: Series, reading: EspiIntervalReading) {
    let open = series.open;
    if (!open) {
      const self = `${series.meterReading.self}/IntervalBlock/${series.blocks++}`;
      const entry: EntryInfo = {
        self,
        up: `${series.meterReading.self}/IntervalBlock`,
        related: [],
        line: reading.line,
      };
      open = series.open = {
        block: { ordinal: this.blockCount++, entry, readingCount: 0, line: reading.line },
        batch: [],
      };
      this.open.add(series);
    }
    this.entity = open.block.entry.self;
    open.batch.push(reading);
    open.block.readingCount++;
    const end = reading.start + reading.duration;
    open.first = open.first === undefined ? reading.start : Math.min(open.first, reading.start);
    open.last = open.last === undefined ? end : Math.max(open.last, end);
    if (open.batch.length >= this.batchSize) this.flush(open);
  }

  private flush(o: OpenBlock) {
    if (o.batch.length === 0) return;
    this.emit({ type: 'Readings', block: o.block, readings: o.batch });
    o.batch = [];
  }
}
