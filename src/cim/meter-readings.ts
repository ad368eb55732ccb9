import { childOf, dropUndefined, textOf } from '../xml/element-tree';
import { parseDateTime } from './date-time';
import { objectRefOf } from './envelope-fields';
import { MessageOutput } from './message-output';
import { espiQualityOf } from './reading-quality';
import { decodeReadingTypeMrid } from './reading-type-mrid';
import { qualityRefs, ReadingValues, timeOf } from './reading-values';
import {
  CimBlock,
  CimMeterReading,
  CimRegisterReading,
  ReadingQualityTypeDefinition,
  ReadingTypeDefinition,
} from './records';
import { XmlNode } from './xml-node';

interface MeterReadingState {
  blocks: CimBlock[];
  registers: CimRegisterReading[];
  /** Its Meter, UsagePoint and valuesInterval, read when it ends. */
  parts: XmlNode[];
  line: number;
}

/**
 * The MeterReadings of a payload, one MeterReading at a time: its register Readings as they come, its blocks as
 * `IntervalBlockReader` accepts them, and at its end the `meterReading` event with the Meter/UsagePoint that
 * place them (which come after its blocks).
 */
export class MeterReadingReader {
  private meterReading?: MeterReadingState;
  private ordinal = 0;

  constructor(
    private readonly output: MessageOutput,
    private readonly values: ReadingValues,
  ) {}

  open(line: number): void {
    this.meterReading = { blocks: [], registers: [], parts: [], line };
  }

  addBlock(block: CimBlock): void {
    (this.meterReading as MeterReadingState).blocks.push(block);
  }

  /** A child of the MeterReading read whole: a register reading (`Readings`), or a part kept for its end. */
  part(node: XmlNode): void {
    const mr = this.meterReading as MeterReadingState;
    if (node.name !== 'Readings') {
      mr.parts.push(node);
      return;
    }
    const entity = `MeterReading#${this.ordinal}/Readings`;
    const ref = childOf(node, 'ReadingType')?.attributes.get('ref')?.trim();
    const decoded = ref === undefined ? undefined : decodeReadingTypeMrid(ref);
    const timeText = textOf(node, 'timeStamp');
    const time = timeText === undefined ? undefined : parseDateTime(timeText);
    if (!ref || !decoded) {
      this.output.diagnose(
        'error',
        ref ? 'reading-type-invalid' : 'reading-type-missing',
        'a register reading needs an 18-field ReadingType ref',
        node.line,
        entity,
      );
    } else if (timeText === undefined) {
      this.output.diagnose('error', 'reading-no-timestamp', 'a register reading has no timeStamp', node.line, entity);
    } else if (this.values.checkTime(time, `timeStamp "${timeText.slice(0, 40)}"`, node.line, entity)) {
      const value = this.values.valueOf(textOf(node, 'value'), node.line, entity);
      if (value !== null) {
        const cimQualities = qualityRefs(node);
        const qualities = cimQualities.flatMap((q) => espiQualityOf(q) ?? []);
        mr.registers.push(
          dropUndefined({
            readingTypeRef: ref,
            readingType: this.values.seriesReadingType(decoded),
            timeStamp: time.epoch,
            value,
            cimQualities: cimQualities.length ? cimQualities : undefined,
            qualities: qualities.length ? qualities : undefined,
            reason: textOf(node, 'reason'),
            source: textOf(node, 'source'),
            line: node.line,
          }),
        );
        this.output.counts.registers++;
        return;
      }
    }
    this.output.counts.rejectedReadings++;
  }

  close(): void {
    const state = this.meterReading as MeterReadingState;
    this.meterReading = undefined;
    const counts = this.output.counts;
    const part = (name: string) => state.parts.find((n) => n.name === name);
    const meter = part('Meter');
    const usagePoint = part('UsagePoint');
    const interval = part('valuesInterval');
    const meterReading: CimMeterReading = dropUndefined({
      ordinal: this.ordinal++,
      meter: meter && objectRefOf(meter),
      usagePoint: usagePoint && objectRefOf(usagePoint),
      valuesInterval:
        interval && dropUndefined({ start: timeOf(interval, 'start')?.epoch, end: timeOf(interval, 'end')?.epoch }),
      blocks: state.blocks,
      registers: state.registers,
      line: state.line,
    });
    if (!hasIdentity(meterReading.meter) && !hasIdentity(meterReading.usagePoint)) {
      this.output.diagnose(
        'error',
        'meter-reading-unreferenced',
        'a MeterReading names neither a Meter nor a UsagePoint: its readings cannot be placed',
        state.line,
        `MeterReading#${meterReading.ordinal}`,
      );
      const dropped = meterReading.blocks.reduce((n, b) => n + b.readingCount, 0);
      counts.blocks -= meterReading.blocks.length;
      counts.intervalReadings -= dropped;
      counts.registers -= meterReading.registers.length;
      counts.rejectedReadings += dropped + meterReading.registers.length;
      meterReading.blocks = [];
      meterReading.registers = [];
    }
    counts.meterReadings++;
    this.output.push({ type: 'meterReading', meterReading });
  }
}

/** A ReadingType of the payload, matched to refs by its mRID; undefined (with a warning) without one. */
export function readingTypeDefinition(node: XmlNode, output: MessageOutput): ReadingTypeDefinition | undefined {
  const mRID = textOf(node, 'mRID');
  if (mRID === undefined) {
    output.diagnose(
      'warning',
      'reading-type-no-mrid',
      'a ReadingType definition without mRID cannot be matched to refs',
      node.line,
    );
    return undefined;
  }
  const labels: Record<string, string> = {};
  for (const c of node.children) {
    const t = c.text.trim();
    if (c.children.length === 0 && t !== '' && c.name !== 'mRID') labels[c.name] = t;
  }
  return dropUndefined({
    mRID,
    fields: decodeReadingTypeMrid(mRID),
    name: textOf(childOf(node, 'Names'), 'name'),
    labels,
  });
}

/** A ReadingQualityType of the payload; one without mRID cannot be referred to and is skipped. */
export function qualityTypeDefinition(node: XmlNode): ReadingQualityTypeDefinition | undefined {
  const mRID = textOf(node, 'mRID');
  if (mRID === undefined) return undefined;
  return dropUndefined({
    mRID,
    category: textOf(node, 'category'),
    subCategory: textOf(node, 'subCategory'),
    systemId: textOf(node, 'systemId'),
  });
}

function hasIdentity(ref: { mRID?: string; names?: unknown[] } | undefined): boolean {
  return ref !== undefined && (ref.mRID !== undefined || (ref.names?.length ?? 0) > 0);
}
