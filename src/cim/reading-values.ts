import type { ReadingTypeFields } from '../espi/records';
import { childOf, childrenOf, dropUndefined, textOf } from '../xml/element-tree';
import { parseDateTime, ParsedDateTime } from './date-time';
import { scaleDecimal } from './decimal-value';
import { fixedSeconds, intervalPeriodOf } from './interval-period';
import { MessageOutput } from './message-output';
import { XmlNode } from './xml-node';

/** The checks and conversions interval and register readings share: their times, values and reading types. */
export class ReadingValues {
  constructor(
    private readonly output: MessageOutput,
    /** Decimal places kept from CIM values (`CimReaderOptions.valueDecimals`). */
    private readonly decimals: number,
  ) {}

  /** True for an instant: an xs:dateTime with a UTC offset and whole seconds; otherwise reported. */
  checkTime(t: ParsedDateTime | undefined, what: string, line: number, entity: string): t is ParsedDateTime {
    if (!t) this.output.diagnose('error', 'reading-bad-time', `${what} is not an xs:dateTime`, line, entity);
    else if (t.offsetMinutes === undefined)
      this.output.diagnose(
        'error',
        'reading-time-no-offset',
        `${what} has no UTC offset, so its instant is unknown`,
        line,
        entity,
      );
    else if (t.fractional)
      this.output.diagnose('error', 'reading-fractional-time', `${what} has a fraction of a second`, line, entity);
    else return true;
    return false;
  }

  /** The raw integer, undefined for a reading sent without value, null when the value is refused. */
  valueOf(text: string | undefined, line: number, entity: string): number | undefined | null {
    if (text === undefined) return undefined;
    const scaled = scaleDecimal(text, this.decimals);
    if ('value' in scaled) return scaled.value;
    const messages = {
      'not-a-number': `value "${text.slice(0, 40)}" is not a decimal number`,
      'too-precise': `value "${text.slice(0, 40)}" has more than ${this.decimals} significant decimals`,
      'out-of-range': `value "${text.slice(0, 40)}" × 10^${this.decimals} is outside Int48`,
    };
    const codes = {
      'not-a-number': 'reading-bad-number',
      'too-precise': 'value-too-precise',
      'out-of-range': 'value-out-of-range',
    };
    this.output.diagnose('error', codes[scaled.problem], messages[scaled.problem], line, entity);
    return null;
  }

  /** Our series' reading type: the mRID's fields, values kept with `decimals` places, fixed lengths in seconds. */
  seriesReadingType(decoded: ReadingTypeFields): ReadingTypeFields {
    return dropUndefined({
      ...decoded,
      powerOfTenMultiplier: (decoded.powerOfTenMultiplier ?? 0) - this.decimals,
      intervalLength: fixedSeconds(intervalPeriodOf(decoded)),
    });
  }
}

/** The ReadingQualityType refs of a reading. */
export function qualityRefs(node: XmlNode): string[] {
  return childrenOf(node, 'ReadingQualities').flatMap(
    (q) => childOf(q, 'ReadingQualityType')?.attributes.get('ref')?.trim() || [],
  );
}

export function timeOf(node: XmlNode, name: string): ParsedDateTime | undefined {
  const t = textOf(node, name);
  return t === undefined ? undefined : parseDateTime(t);
}
