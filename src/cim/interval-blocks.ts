import { childOf, dropUndefined, textOf } from '../xml/element-tree';
import { parseDateTime, ParsedDateTime } from './date-time';
import { IntervalPeriod, intervalPeriodOf, intervalStart } from './interval-period';
import { CimMessageError } from './message-error';
import { MessageOutput } from './message-output';
import { espiQualityOf } from './reading-quality';
import { decodeReadingTypeMrid } from './reading-type-mrid';
import { qualityRefs, ReadingValues, timeOf } from './reading-values';
import { CimBlock, CimIntervalReading } from './records';
import { XmlNode } from './xml-node';

/** An IntervalReading as read, checked only once its block's ReadingType ref (which follows the readings) is known. */
interface PendingReading {
  end?: ParsedDateTime;
  endText?: string;
  valueText?: string;
  cimQualities: string[];
  period?: { start?: ParsedDateTime; end?: ParsedDateTime };
  /** A timePeriod bound is present but is no xs:dateTime: never fall back to the stamp then. */
  badPeriod: boolean;
  line: number;
}

interface BlockState {
  pending: PendingReading[];
  readingTypeRef?: string;
  pendingCalculation: boolean;
  line: number;
}

/**
 * MeterReading/IntervalBlocks: each block's readings are held until its end, where its ReadingType ref places them
 * in time and scales them; the accepted ones leave as one `readings` event.
 */
export class IntervalBlockReader {
  private block?: BlockState;
  private ordinal = 0;

  constructor(
    private readonly output: MessageOutput,
    private readonly values: ReadingValues,
    private readonly maxBlockReadings: number,
  ) {}

  open(line: number): void {
    this.block = { pending: [], pendingCalculation: false, line };
  }

  readingTypeRef(ref: string | undefined): void {
    (this.block as BlockState).readingTypeRef = ref;
  }

  pendingCalculation(): void {
    (this.block as BlockState).pendingCalculation = true;
  }

  reading(node: XmlNode): void {
    const block = this.block as BlockState;
    if (block.pending.length >= this.maxBlockReadings) {
      throw new CimMessageError(
        'block-too-large',
        '3.1',
        `an IntervalBlock holds more than ${this.maxBlockReadings} readings`,
        node.line,
      );
    }
    const endText = textOf(node, 'timeStamp');
    const period = childOf(node, 'timePeriod');
    block.pending.push({
      endText,
      end: endText === undefined ? undefined : parseDateTime(endText),
      valueText: textOf(node, 'value'),
      cimQualities: qualityRefs(node),
      period: period && { start: timeOf(period, 'start'), end: timeOf(period, 'end') },
      badPeriod:
        period !== undefined &&
        ['start', 'end'].some((e) => textOf(period, e) !== undefined && timeOf(period, e) === undefined),
      line: node.line,
    });
  }

  /** Ends the block: its accepted readings are emitted, and the block returned for its MeterReading. */
  close(): CimBlock | undefined {
    const state = this.block as BlockState;
    this.block = undefined;
    const ordinal = this.ordinal++;
    const entity = `IntervalBlock#${ordinal}`;
    const counts = this.output.counts;
    const reject = (code: string, message: string): undefined => {
      this.output.diagnose('error', code, message, state.line, entity);
      counts.rejectedReadings += state.pending.length;
      return undefined;
    };
    if (!state.readingTypeRef) return reject('reading-type-missing', 'the IntervalBlock has no ReadingType ref');
    const decoded = decodeReadingTypeMrid(state.readingTypeRef);
    if (!decoded)
      return reject(
        'reading-type-invalid',
        `ReadingType ref "${state.readingTypeRef.slice(0, 60)}" is not an 18-field mRID`,
      );
    if (state.pendingCalculation)
      return reject(
        'pending-calculation-unsupported',
        'values awaiting a PendingCalculation (scalar/offset) are not loaded',
      );
    const period = intervalPeriodOf(decoded);
    let periodReported = false;
    const readingType = this.values.seriesReadingType(decoded);
    const starts = new Set<number>();
    const readings: CimIntervalReading[] = [];
    for (const p of state.pending) {
      const placed = this.placeReading(p, period, entity);
      if (placed === 'no-period') {
        if (!periodReported) {
          this.output.diagnose(
            'error',
            'interval-period-unknown',
            `ReadingType ${state.readingTypeRef} fixes no interval length and the readings carry no timePeriod`,
            p.line,
            entity,
          );
        }
        periodReported = true;
        counts.rejectedReadings++;
        continue;
      }
      if (!placed) {
        counts.rejectedReadings++;
        continue;
      }
      const value = this.values.valueOf(p.valueText, p.line, entity);
      if (value === null) {
        counts.rejectedReadings++;
        continue;
      }
      if (starts.has(placed.start)) {
        this.output.diagnose(
          'error',
          'reading-duplicate-timestamp',
          `a second reading ends at ${p.endText}`,
          p.line,
          entity,
        );
        counts.rejectedReadings++;
        continue;
      }
      starts.add(placed.start);
      const qualities = p.cimQualities.flatMap((q) => espiQualityOf(q) ?? []);
      readings.push(
        dropUndefined({
          start: placed.start,
          duration: placed.duration,
          value,
          qualities: qualities.length ? qualities : undefined,
          cimQualities: p.cimQualities.length ? p.cimQualities : undefined,
          line: p.line,
        }),
      );
    }
    const block: CimBlock = {
      ordinal,
      readingTypeRef: state.readingTypeRef,
      readingType,
      readingCount: readings.length,
      line: state.line,
    };
    counts.blocks++;
    counts.intervalReadings += readings.length;
    this.output.push({ type: 'readings', block, readings });
    return block;
  }

  /** [start, start + duration) from the end stamp and the type's period, or from an explicit timePeriod. */
  private placeReading(
    p: PendingReading,
    period: IntervalPeriod | undefined,
    entity: string,
  ): { start: number; duration: number } | 'no-period' | undefined {
    if (p.badPeriod) {
      this.output.diagnose('error', 'reading-bad-time', 'a timePeriod bound is not an xs:dateTime', p.line, entity);
      return undefined;
    }
    if (p.period?.start && p.period.end) {
      const { start, end } = p.period;
      if (
        !this.values.checkTime(start, 'timePeriod/start', p.line, entity) ||
        !this.values.checkTime(end, 'timePeriod/end', p.line, entity)
      )
        return undefined;
      if (end.epoch <= start.epoch) {
        this.output.diagnose('error', 'reading-negative-duration', 'timePeriod ends before it starts', p.line, entity);
        return undefined;
      }
      if (p.end && p.end.epoch !== end.epoch) {
        this.output.diagnose(
          'warning',
          'interval-end-mismatch',
          `timeStamp ${p.endText} is not the end of its timePeriod`,
          p.line,
          entity,
        );
      }
      return { start: start.epoch, duration: end.epoch - start.epoch };
    }
    if (p.endText === undefined) {
      this.output.diagnose('error', 'reading-no-timestamp', 'an IntervalReading has no timeStamp', p.line, entity);
      return undefined;
    }
    const end = p.end;
    if (!this.values.checkTime(end, `timeStamp "${p.endText.slice(0, 40)}"`, p.line, entity)) return undefined;
    if (!period) return 'no-period';
    const start = intervalStart(end.epoch, end.offsetMinutes as number, period);
    return { start, duration: end.epoch - start };
  }
}
