import type { Diagnostic } from '../espi/diagnostics';
import type { ReadingTypeFields } from '../espi/records';
import { parseDateTime, ParsedDateTime } from './date-time';
import { scaleDecimal } from './decimal-value';
import { decodeHeader, decodeReply, decodeRequest, dropUndefined, objectRefOf } from './envelope-fields';
import { fixedSeconds, intervalPeriodOf, intervalStart } from './interval-period';
import { CimMessageError } from './message-error';
import { SOAP_11_NS, SOAP_12_NS, isMeterReadingsNs } from './namespaces';
import { espiQualityOf } from './reading-quality';
import { decodeReadingTypeMrid } from './reading-type-mrid';
import {
  CimBlock,
  CimEnvelope,
  CimEvent,
  CimHeader,
  CimIntervalReading,
  CimMeterReading,
  CimRegisterReading,
  MessageKind,
  ReadingQualityTypeDefinition,
  ReadingTypeDefinition,
  Verb,
} from './records';
import { childOf, childrenOf, textOf, XmlNode } from './xml-node';
import { ByteSource, DEFAULT_XML_LIMITS, streamXml, XmlLimits, XmlSink } from './xml-source';

export interface CimReaderOptions {
  limits?: XmlLimits;
  /** Nouns this endpoint handles; another Noun is refused with 2.5. */
  nouns?: string[];
  /**
   * Decimal places kept from CIM values: "2.147" kWh becomes 2147 with the reading type's multiplier lowered by
   * 3 (so Wh). Fixed per reader, not per value, so one series always gets one multiplier. Default 3.
   */
  valueDecimals?: number;
  /** Readings one IntervalBlock may hold; the block is held until its ReadingType ref, which comes after them. */
  maxBlockReadings?: number;
  /** Elements in one envelope part or payload object other than an IntervalBlock. */
  maxObjectElements?: number;
}

const DIAGNOSTICS_PER_CODE = 100;

const REQUEST_VERBS = new Set<Verb>(['get', 'create', 'change', 'cancel', 'close', 'delete', 'execute']);
const EVENT_VERBS = new Set<Verb>(['created', 'changed', 'canceled', 'closed', 'deleted', 'executed']);

/**
 * Streams a 61968-100 message (bare, or in a SOAP 1.1/1.2 envelope) with a MeterReadings payload into events:
 * `envelope` once the Header, Request and Reply are read (before any payload event), `readings` per accepted
 * IntervalBlock, `meterReading` when a MeterReading ends (its Meter/UsagePoint come after its blocks), diagnostics
 * as found, and `end` last. A message that cannot be answered otherwise throws `CimMessageError`.
 */
export function readCimMessage(source: ByteSource, options: CimReaderOptions = {}): AsyncGenerator<CimEvent> {
  const reader = new MessageReader(options);
  return (async function* () {
    try {
      yield* streamXml(source, reader, () => reader.drain(), options.limits ?? DEFAULT_XML_LIMITS);
      yield* reader.finish();
    } catch (err) {
      if (err instanceof CimMessageError) err.header ??= reader.header;
      throw err;
    }
  })();
}

type Role =
  | 'soap-envelope'
  | 'soap-body'
  | 'message'
  | 'payload'
  | 'meter-readings'
  | 'meter-reading'
  | 'interval-block'
  | 'collect'
  | 'skip';

interface Frame {
  role: Role;
  node?: XmlNode;
  /** Called when a collected subtree closes. */
  done?: (node: XmlNode) => void;
}

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

interface MeterReadingState {
  blocks: CimBlock[];
  registers: CimRegisterReading[];
  parts: XmlNode[];
  line: number;
}

class MessageReader implements XmlSink {
  header?: CimHeader;
  private readonly stack: Frame[] = [];
  private readonly out: CimEvent[] = [];
  private readonly nouns: ReadonlySet<string>;
  private readonly decimals: number;
  private readonly maxBlockReadings: number;
  private readonly maxObjectElements: number;
  private objectElements = 0;
  private soap?: '1.1' | '1.2';
  private rootName?: string;
  private kindByName?: MessageKind;
  private parts: { header?: XmlNode; request?: XmlNode; reply?: XmlNode; format?: XmlNode } = {};
  private envelope?: CimEnvelope;
  private payloadName?: string;
  private block?: BlockState;
  private meterReading?: MeterReadingState;
  private blockOrdinal = 0;
  private meterReadingOrdinal = 0;
  private readonly readingTypes: ReadingTypeDefinition[] = [];
  private readonly qualityTypes: ReadingQualityTypeDefinition[] = [];
  private readonly diagnostics: Diagnostic[] = [];
  private readonly perCode = new Map<string, number>();
  private readonly counts = { meterReadings: 0, blocks: 0, intervalReadings: 0, registers: 0, rejectedReadings: 0 };

  constructor(options: CimReaderOptions) {
    this.nouns = new Set(options.nouns ?? ['MeterReadings']);
    this.decimals = options.valueDecimals ?? 3;
    this.maxBlockReadings = options.maxBlockReadings ?? 500_000;
    this.maxObjectElements = options.maxObjectElements ?? 10_000;
  }

  drain(): CimEvent[] {
    return this.out.splice(0);
  }

  *finish(): Generator<CimEvent> {
    if (!this.rootName) throw new CimMessageError('not-a-message', '1.8', 'the SOAP Body holds no message');
    this.completeEnvelope();
    const envelope = this.envelope as CimEnvelope;
    yield* this.drain();
    yield {
      type: 'end',
      summary: { envelope, readingTypes: this.readingTypes, readingQualityTypes: this.qualityTypes, counts: this.counts, diagnostics: this.diagnostics },
    };
  }

  open(ns: string, local: string, attributes: ReadonlyMap<string, string>, line: number): void {
    const parent = this.stack[this.stack.length - 1];
    if (parent?.role === 'collect' || parent?.role === 'skip') {
      if (parent.role === 'collect') {
        if (++this.objectElements > this.maxObjectElements) {
          throw new CimMessageError('object-too-large', '3.1', `an element holds more than ${this.maxObjectElements} elements`, line);
        }
        const node: XmlNode = { local, ns, attributes, text: '', children: [], line };
        (parent.node as XmlNode).children.push(node);
        this.stack.push({ role: 'collect', node });
      } else this.stack.push({ role: 'skip' });
      return;
    }
    this.stack.push(this.frameFor(parent?.role, ns, local, attributes, line));
  }

  text(text: string): void {
    const top = this.stack[this.stack.length - 1];
    if (top?.role === 'collect') (top.node as XmlNode).text += text;
  }

  close(line: number): void {
    const frame = this.stack.pop() as Frame;
    if (frame.done) frame.done(frame.node as XmlNode);
    else if (frame.role === 'interval-block') this.finishBlock();
    else if (frame.role === 'meter-reading') this.finishMeterReading();
    else if (frame.role === 'message') this.completeEnvelope();
    else if (frame.role === 'soap-body' && !this.rootName) throw new CimMessageError('not-a-message', '1.8', 'the SOAP Body holds no message', line);
  }

  private frameFor(parent: Role | undefined, ns: string, local: string, attributes: ReadonlyMap<string, string>, line: number): Frame {
    switch (parent) {
      case undefined:
        if (local === 'Envelope' && (ns === SOAP_11_NS || ns === SOAP_12_NS)) {
          this.soap = ns === SOAP_11_NS ? '1.1' : '1.2';
          return { role: 'soap-envelope' };
        }
        return this.messageRoot(local, line);
      case 'soap-envelope':
        if (local === 'Body') return { role: 'soap-body' };
        return { role: 'skip' };
      case 'soap-body':
        if (local === 'Fault' && (ns === SOAP_11_NS || ns === SOAP_12_NS)) {
          throw new CimMessageError('soap-fault', '1.8', 'the SOAP Body holds a SOAP Fault, not a 61968-100 message', line);
        }
        if (this.rootName) return this.unknown(local, line);
        return this.messageRoot(local, line);
      case 'message':
        if (local === 'Header' || local === 'Request' || local === 'Reply') {
          return this.collect(ns, local, attributes, line, (node) => (this.parts[local.toLowerCase() as 'header' | 'request' | 'reply'] = node));
        }
        if (local === 'Payload') {
          this.completeEnvelope();
          return { role: 'payload' };
        }
        return this.unknown(local, line);
      case 'payload':
        return this.payloadChild(ns, local, attributes, line);
      case 'meter-readings':
        if (local === 'MeterReading') {
          this.meterReading = { blocks: [], registers: [], parts: [], line };
          return { role: 'meter-reading' };
        }
        if (local === 'ReadingType') return this.collect(ns, local, attributes, line, (n) => this.readingTypeDefinition(n));
        if (local === 'ReadingQualityType') return this.collect(ns, local, attributes, line, (n) => this.qualityTypeDefinition(n));
        if (local === 'EndDeviceEventType') return { role: 'skip' };
        return this.unknown(local, line);
      case 'meter-reading':
        if (local === 'IntervalBlocks') {
          this.block = { pending: [], pendingCalculation: false, line };
          return { role: 'interval-block' };
        }
        if (local === 'EndDeviceEvents') {
          this.diagnose('warning', 'end-device-events-ignored', 'MeterReading/EndDeviceEvents are not loaded', line);
          return { role: 'skip' };
        }
        if (['Readings', 'Meter', 'UsagePoint', 'valuesInterval', 'isCoincidentTrigger'].includes(local)) {
          return this.collect(ns, local, attributes, line, (n) => this.meterReadingPart(n));
        }
        return this.unknown(local, line);
      case 'interval-block':
        if (local === 'IntervalReadings') return this.collect(ns, local, attributes, line, (n) => this.intervalReading(n));
        if (local === 'ReadingType') {
          (this.block as BlockState).readingTypeRef = attributes.get('ref')?.trim();
          return { role: 'skip' };
        }
        if (local === 'PendingCalculation') {
          (this.block as BlockState).pendingCalculation = true;
          return { role: 'skip' };
        }
        return this.unknown(local, line);
      default:
        return this.unknown(local, line);
    }
  }

  private messageRoot(local: string, line: number): Frame {
    const kind = kindOfRoot(local);
    if (kind === null) {
      throw new CimMessageError('not-a-message', '1.8', `<${local.slice(0, 60)}> is not a 61968-100 message (RequestMessage, ResponseMessage, EventMessage, FaultMessage)`, line);
    }
    this.rootName = local;
    this.kindByName = kind;
    return { role: 'message' };
  }

  private payloadChild(ns: string, local: string, attributes: ReadonlyMap<string, string>, line: number): Frame {
    if (local === 'Format') return this.collect(ns, local, attributes, line, (n) => (this.parts.format = n));
    if (local === 'Compressed' || local === 'OperationSet') {
      throw new CimMessageError('payload-unsupported', '1.8', `Payload/${local} is not supported: send the MeterReadings element itself`, line);
    }
    this.payloadName ??= local;
    const envelope = this.envelope as CimEnvelope;
    envelope.payloadName = this.payloadName;
    if (envelope.header && local !== envelope.header.noun) {
      throw new CimMessageError('noun-payload-mismatch', '2.5', `the Noun is ${envelope.header.noun} but the Payload holds ${local}`, line, envelope.header);
    }
    if (local === 'MeterReadings' && isMeterReadingsNs(ns)) return { role: 'meter-readings' };
    return this.unknown(local, line);
  }

  private collect(ns: string, local: string, attributes: ReadonlyMap<string, string>, line: number, done: (node: XmlNode) => void): Frame {
    this.objectElements = 0;
    return { role: 'collect', node: { local, ns, attributes, text: '', children: [], line }, done };
  }

  private unknown(local: string, line: number): Frame {
    this.diagnose('warning', 'unknown-element', `<${local.slice(0, 60)}> is not read`, line);
    return { role: 'skip' };
  }

  /** Decodes Header/Request/Reply and checks they fit the message: runs when the Payload starts, or at the end. */
  private completeEnvelope(): void {
    if (this.envelope) return;
    const { header: headerNode, request, reply, format } = this.parts;
    if (headerNode) this.header = decodeHeader(headerNode);
    const header = this.header;
    const kind = this.kindByName === 'fault' ? 'fault' : (this.kindByName ?? kindOfVerb(header?.verb));
    if (kind !== 'fault') {
      if (!header) throw new CimMessageError('header-missing', '1.5', `the ${this.rootName} has no Header`);
      if (kind === undefined || kindOfVerb(header.verb) !== kind) {
        throw new CimMessageError('verb-kind-mismatch', '2.9', `verb "${header.verb}" does not belong in a ${this.rootName}`);
      }
      if (!this.nouns.has(header.noun)) {
        throw new CimMessageError('noun-unsupported', '2.5', `Noun "${header.noun.slice(0, 60)}" is not handled here (${[...this.nouns].join(', ')})`);
      }
    }
    if (kind === 'response' || kind === 'fault') {
      if (!reply) throw new CimMessageError('reply-missing', '1.8', `the ${this.rootName} has no Reply`);
    }
    this.envelope = dropUndefined({
      kind,
      rootName: this.rootName as string,
      soap: this.soap,
      header,
      request: request && decodeRequest(request),
      reply: reply && decodeReply(reply),
      payloadName: this.payloadName,
      payloadFormat: textOf(format, 'Format') ?? format?.text.trim(),
    });
    this.out.push({ type: 'envelope', envelope: this.envelope });
  }

  private intervalReading(node: XmlNode): void {
    const block = this.block as BlockState;
    if (block.pending.length >= this.maxBlockReadings) {
      throw new CimMessageError('block-too-large', '3.1', `an IntervalBlock holds more than ${this.maxBlockReadings} readings`, node.line);
    }
    const endText = textOf(node, 'timeStamp');
    const period = childOf(node, 'timePeriod');
    block.pending.push({
      endText,
      end: endText === undefined ? undefined : parseDateTime(endText),
      valueText: textOf(node, 'value'),
      cimQualities: qualityRefs(node),
      period: period && { start: timeOf(period, 'start'), end: timeOf(period, 'end') },
      badPeriod: period !== undefined && ['start', 'end'].some((e) => textOf(period, e) !== undefined && timeOf(period, e) === undefined),
      line: node.line,
    });
  }

  private finishBlock(): void {
    const state = this.block as BlockState;
    this.block = undefined;
    const ordinal = this.blockOrdinal++;
    const entity = `IntervalBlock#${ordinal}`;
    const reject = (code: string, message: string) => {
      this.diagnose('error', code, message, state.line, entity);
      this.counts.rejectedReadings += state.pending.length;
    };
    if (!state.readingTypeRef) return reject('reading-type-missing', 'the IntervalBlock has no ReadingType ref');
    const decoded = decodeReadingTypeMrid(state.readingTypeRef);
    if (!decoded) return reject('reading-type-invalid', `ReadingType ref "${state.readingTypeRef.slice(0, 60)}" is not an 18-field mRID`);
    if (state.pendingCalculation) return reject('pending-calculation-unsupported', 'values awaiting a PendingCalculation (scalar/offset) are not loaded');
    const period = intervalPeriodOf(decoded);
    let periodReported = false;
    const readingType = this.seriesReadingType(decoded);
    const starts = new Set<number>();
    const readings: CimIntervalReading[] = [];
    for (const p of state.pending) {
      const placed = this.placeReading(p, period, entity);
      if (placed === 'no-period') {
        if (!periodReported) {
          this.diagnose('error', 'interval-period-unknown', `ReadingType ${state.readingTypeRef} fixes no interval length and the readings carry no timePeriod`, p.line, entity);
        }
        periodReported = true;
        this.counts.rejectedReadings++;
        continue;
      }
      if (!placed) {
        this.counts.rejectedReadings++;
        continue;
      }
      const value = this.valueOf(p.valueText, p.line, entity);
      if (value === null) {
        this.counts.rejectedReadings++;
        continue;
      }
      if (starts.has(placed.start)) {
        this.diagnose('error', 'reading-duplicate-timestamp', `a second reading ends at ${p.endText}`, p.line, entity);
        this.counts.rejectedReadings++;
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
    const block: CimBlock = { ordinal, readingTypeRef: state.readingTypeRef, readingType, readingCount: readings.length, line: state.line };
    this.counts.blocks++;
    this.counts.intervalReadings += readings.length;
    (this.meterReading as MeterReadingState).blocks.push(block);
    this.out.push({ type: 'readings', block, readings });
  }

  /** [start, start + duration) from the end stamp and the type's period, or from an explicit timePeriod. */
  private placeReading(p: PendingReading, period: ReturnType<typeof intervalPeriodOf>, entity: string): { start: number; duration: number } | 'no-period' | undefined {
    if (p.badPeriod) {
      this.diagnose('error', 'reading-bad-time', 'a timePeriod bound is not an xs:dateTime', p.line, entity);
      return undefined;
    }
    if (p.period?.start && p.period.end) {
      const { start, end } = p.period;
      if (!this.checkTime(start, 'timePeriod/start', p.line, entity) || !this.checkTime(end, 'timePeriod/end', p.line, entity)) return undefined;
      if (end.epoch <= start.epoch) {
        this.diagnose('error', 'reading-negative-duration', 'timePeriod ends before it starts', p.line, entity);
        return undefined;
      }
      if (p.end && p.end.epoch !== end.epoch) {
        this.diagnose('warning', 'interval-end-mismatch', `timeStamp ${p.endText} is not the end of its timePeriod`, p.line, entity);
      }
      return { start: start.epoch, duration: end.epoch - start.epoch };
    }
    if (p.endText === undefined) {
      this.diagnose('error', 'reading-no-timestamp', 'an IntervalReading has no timeStamp', p.line, entity);
      return undefined;
    }
    if (!this.checkTime(p.end, `timeStamp "${p.endText.slice(0, 40)}"`, p.line, entity)) return undefined;
    if (!period) return 'no-period';
    const end = p.end as ParsedDateTime;
    const start = intervalStart(end.epoch, end.offsetMinutes as number, period);
    return { start, duration: end.epoch - start };
  }

  private checkTime(t: ParsedDateTime | undefined, what: string, line: number, entity: string): boolean {
    if (!t) this.diagnose('error', 'reading-bad-time', `${what} is not an xs:dateTime`, line, entity);
    else if (t.offsetMinutes === undefined) this.diagnose('error', 'reading-time-no-offset', `${what} has no UTC offset, so its instant is unknown`, line, entity);
    else if (t.fractional) this.diagnose('error', 'reading-fractional-time', `${what} has a fraction of a second`, line, entity);
    else return true;
    return false;
  }

  /** The raw integer, undefined for a reading sent without value, null when the value is refused. */
  private valueOf(text: string | undefined, line: number, entity: string): number | undefined | null {
    if (text === undefined) return undefined;
    const scaled = scaleDecimal(text, this.decimals);
    if ('value' in scaled) return scaled.value;
    const messages = {
      'not-a-number': `value "${text.slice(0, 40)}" is not a decimal number`,
      'too-precise': `value "${text.slice(0, 40)}" has more than ${this.decimals} significant decimals`,
      'out-of-range': `value "${text.slice(0, 40)}" × 10^${this.decimals} is outside Int48`,
    };
    const codes = { 'not-a-number': 'reading-bad-number', 'too-precise': 'value-too-precise', 'out-of-range': 'value-out-of-range' };
    this.diagnose('error', codes[scaled.problem], messages[scaled.problem], line, entity);
    return null;
  }

  /** Our series' reading type: the mRID's fields, values kept with `decimals` places, fixed lengths in seconds. */
  private seriesReadingType(decoded: ReadingTypeFields): ReadingTypeFields {
    return dropUndefined({
      ...decoded,
      powerOfTenMultiplier: (decoded.powerOfTenMultiplier ?? 0) - this.decimals,
      intervalLength: fixedSeconds(intervalPeriodOf(decoded)),
    });
  }

  private meterReadingPart(node: XmlNode): void {
    const mr = this.meterReading as MeterReadingState;
    if (node.local !== 'Readings') {
      mr.parts.push(node);
      return;
    }
    const entity = `MeterReading#${this.meterReadingOrdinal}/Readings`;
    const ref = childOf(node, 'ReadingType')?.attributes.get('ref')?.trim();
    const decoded = ref === undefined ? undefined : decodeReadingTypeMrid(ref);
    const timeText = textOf(node, 'timeStamp');
    const time = timeText === undefined ? undefined : parseDateTime(timeText);
    if (!ref || !decoded) {
      this.diagnose('error', ref ? 'reading-type-invalid' : 'reading-type-missing', 'a register reading needs an 18-field ReadingType ref', node.line, entity);
    } else if (timeText === undefined) {
      this.diagnose('error', 'reading-no-timestamp', 'a register reading has no timeStamp', node.line, entity);
    } else if (this.checkTime(time, `timeStamp "${timeText.slice(0, 40)}"`, node.line, entity)) {
      const value = this.valueOf(textOf(node, 'value'), node.line, entity);
      if (value !== null) {
        const cimQualities = qualityRefs(node);
        const qualities = cimQualities.flatMap((q) => espiQualityOf(q) ?? []);
        mr.registers.push(
          dropUndefined({
            readingTypeRef: ref,
            readingType: this.seriesReadingType(decoded),
            timeStamp: (time as ParsedDateTime).epoch,
            value,
            cimQualities: cimQualities.length ? cimQualities : undefined,
            qualities: qualities.length ? qualities : undefined,
            reason: textOf(node, 'reason'),
            source: textOf(node, 'source'),
            line: node.line,
          }),
        );
        this.counts.registers++;
        return;
      }
    }
    this.counts.rejectedReadings++;
  }

  private finishMeterReading(): void {
    const state = this.meterReading as MeterReadingState;
    this.meterReading = undefined;
    const part = (local: string) => state.parts.find((n) => n.local === local);
    const meter = part('Meter');
    const usagePoint = part('UsagePoint');
    const interval = part('valuesInterval');
    const meterReading: CimMeterReading = dropUndefined({
      ordinal: this.meterReadingOrdinal++,
      meter: meter && objectRefOf(meter),
      usagePoint: usagePoint && objectRefOf(usagePoint),
      valuesInterval: interval && dropUndefined({ start: timeOf(interval, 'start')?.epoch, end: timeOf(interval, 'end')?.epoch }),
      blocks: state.blocks,
      registers: state.registers,
      line: state.line,
    });
    if (!hasIdentity(meterReading.meter) && !hasIdentity(meterReading.usagePoint)) {
      this.diagnose('error', 'meter-reading-unreferenced', 'a MeterReading names neither a Meter nor a UsagePoint: its readings cannot be placed', state.line, `MeterReading#${meterReading.ordinal}`);
      const dropped = meterReading.blocks.reduce((n, b) => n + b.readingCount, 0);
      this.counts.blocks -= meterReading.blocks.length;
      this.counts.intervalReadings -= dropped;
      this.counts.registers -= meterReading.registers.length;
      this.counts.rejectedReadings += dropped + meterReading.registers.length;
      meterReading.blocks = [];
      meterReading.registers = [];
    }
    this.counts.meterReadings++;
    this.out.push({ type: 'meterReading', meterReading });
  }

  private readingTypeDefinition(node: XmlNode): void {
    const mRID = textOf(node, 'mRID');
    if (mRID === undefined) {
      this.diagnose('warning', 'reading-type-no-mrid', 'a ReadingType definition without mRID cannot be matched to refs', node.line);
      return;
    }
    const labels: Record<string, string> = {};
    for (const c of node.children) {
      const t = c.text.trim();
      if (c.children.length === 0 && t !== '' && c.local !== 'mRID') labels[c.local] = t;
    }
    this.readingTypes.push(dropUndefined({ mRID, fields: decodeReadingTypeMrid(mRID), name: textOf(childOf(node, 'Names'), 'name'), labels }));
  }

  private qualityTypeDefinition(node: XmlNode): void {
    const mRID = textOf(node, 'mRID');
    if (mRID === undefined) return;
    this.qualityTypes.push(
      dropUndefined({ mRID, category: textOf(node, 'category'), subCategory: textOf(node, 'subCategory'), systemId: textOf(node, 'systemId') }),
    );
  }

  private diagnose(severity: Diagnostic['severity'], code: string, message: string, line?: number, entity?: string): void {
    const seen = this.perCode.get(code) ?? 0;
    this.perCode.set(code, seen + 1);
    if (seen >= DIAGNOSTICS_PER_CODE) return;
    const diagnostic: Diagnostic = dropUndefined({ severity, code, message, line, entity });
    this.diagnostics.push(diagnostic);
    this.out.push({ type: 'diagnostic', diagnostic });
  }
}

function kindOfRoot(local: string): MessageKind | undefined | null {
  if (local.endsWith('FaultMessage')) return 'fault';
  if (local.endsWith('ResponseMessage')) return 'response';
  if (local === 'RequestMessage') return 'request';
  if (local === 'EventMessage') return 'event';
  // The generic Message, whose kind only its verb tells.
  if (local === 'Message') return undefined;
  // Per-noun wrappers generated from the Annex C templates, e.g. Connexo's CreatedMeterReadings, GetMeterReadings.
  if (/^(Created|Changed|Canceled|Closed|Deleted|Executed)[A-Z]/.test(local)) return 'event';
  if (/^(Get|Create|Change|Cancel|Close|Delete|Execute)[A-Z]/.test(local)) return 'request';
  return null;
}

function kindOfVerb(verb: Verb | undefined): MessageKind | undefined {
  if (verb === undefined) return undefined;
  if (verb === 'reply') return 'response';
  if (EVENT_VERBS.has(verb)) return 'event';
  return REQUEST_VERBS.has(verb) ? 'request' : undefined;
}

function qualityRefs(node: XmlNode): string[] {
  return childrenOf(node, 'ReadingQualities').flatMap((q) => childOf(q, 'ReadingQualityType')?.attributes.get('ref')?.trim() || []);
}

function timeOf(node: XmlNode, local: string): ParsedDateTime | undefined {
  const t = textOf(node, local);
  return t === undefined ? undefined : parseDateTime(t);
}

function hasIdentity(ref: { mRID?: string; names?: unknown[] } | undefined): boolean {
  return ref !== undefined && (ref.mRID !== undefined || (ref.names?.length ?? 0) > 0);
}
