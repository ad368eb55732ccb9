import { ByteSource } from '../xml/byte-source';
import { XmlLimits } from '../xml/limits';
import { IntervalBlockReader } from './interval-blocks';
import { MessageEnvelope } from './message-envelope';
import { CimMessageError } from './message-error';
import { MessageOutput } from './message-output';
import { MeterReadingReader, qualityTypeDefinition, readingTypeDefinition } from './meter-readings';
import { SOAP_11_NS, SOAP_12_NS, isMeterReadingsNs } from './namespaces';
import { ReadingValues } from './reading-values';
import { CimEnvelope, CimEvent, CimHeader, ReadingQualityTypeDefinition, ReadingTypeDefinition } from './records';
import { XmlNode } from './xml-node';
import { streamXml, XmlSink } from './xml-source';

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
      yield* streamXml(source, reader, () => reader.drain(), options.limits);
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

/**
 * Walks the message's elements, each open one a frame saying what it is, and hands each part to its reader:
 * the envelope parts to `MessageEnvelope`, MeterReadings to `MeterReadingReader` and `IntervalBlockReader`.
 * Parts read whole (envelope parts, payload objects, readings) are collected into small trees first.
 */
class MessageReader implements XmlSink {
  private readonly stack: Frame[] = [];
  private readonly output = new MessageOutput();
  private readonly envelope: MessageEnvelope;
  private readonly meterReadings: MeterReadingReader;
  private readonly blocks: IntervalBlockReader;
  private readonly maxObjectElements: number;
  private objectElements = 0;
  private readonly readingTypes: ReadingTypeDefinition[] = [];
  private readonly qualityTypes: ReadingQualityTypeDefinition[] = [];

  constructor(options: CimReaderOptions) {
    const values = new ReadingValues(this.output, options.valueDecimals ?? 3);
    this.envelope = new MessageEnvelope(this.output, new Set(options.nouns ?? ['MeterReadings']));
    this.meterReadings = new MeterReadingReader(this.output, values);
    this.blocks = new IntervalBlockReader(this.output, values, options.maxBlockReadings ?? 500_000);
    this.maxObjectElements = options.maxObjectElements ?? 10_000;
  }

  get header(): CimHeader | undefined {
    return this.envelope.header;
  }

  drain(): CimEvent[] {
    return this.output.drain();
  }

  *finish(): Generator<CimEvent> {
    if (!this.envelope.rootName) throw new CimMessageError('not-a-message', '1.8', 'the SOAP Body holds no message');
    this.envelope.complete();
    const envelope = this.envelope.envelope as CimEnvelope;
    yield* this.drain();
    const { counts, diagnostics } = this.output;
    yield {
      type: 'end',
      summary: {
        envelope,
        readingTypes: this.readingTypes,
        readingQualityTypes: this.qualityTypes,
        counts,
        diagnostics: diagnostics.kept,
      },
    };
  }

  open(ns: string, local: string, attributes: ReadonlyMap<string, string>, line: number): void {
    const parent = this.stack[this.stack.length - 1];
    if (parent?.role === 'collect' || parent?.role === 'skip') {
      if (parent.role === 'collect') {
        if (++this.objectElements > this.maxObjectElements) {
          throw new CimMessageError(
            'object-too-large',
            '3.1',
            `an element holds more than ${this.maxObjectElements} elements`,
            line,
          );
        }
        const node: XmlNode = { name: local, ns, attributes, text: '', children: [], line };
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
    else if (frame.role === 'interval-block') this.closeBlock();
    else if (frame.role === 'meter-reading') this.meterReadings.close();
    else if (frame.role === 'message') this.envelope.complete();
    else if (frame.role === 'soap-body' && !this.envelope.rootName)
      throw new CimMessageError('not-a-message', '1.8', 'the SOAP Body holds no message', line);
  }

  private frameFor(
    parent: Role | undefined,
    ns: string,
    local: string,
    attributes: ReadonlyMap<string, string>,
    line: number,
  ): Frame {
    switch (parent) {
      case undefined:
        if (local === 'Envelope' && (ns === SOAP_11_NS || ns === SOAP_12_NS)) {
          this.envelope.soap = ns === SOAP_11_NS ? '1.1' : '1.2';
          return { role: 'soap-envelope' };
        }
        return this.messageRoot(local, line);
      case 'soap-envelope':
        if (local === 'Body') return { role: 'soap-body' };
        return { role: 'skip' };
      case 'soap-body':
        if (local === 'Fault' && (ns === SOAP_11_NS || ns === SOAP_12_NS)) {
          throw new CimMessageError(
            'soap-fault',
            '1.8',
            'the SOAP Body holds a SOAP Fault, not a 61968-100 message',
            line,
          );
        }
        if (this.envelope.rootName) return this.unknown(local, line);
        return this.messageRoot(local, line);
      case 'message':
        if (local === 'Header' || local === 'Request' || local === 'Reply') {
          return this.collect(
            ns,
            local,
            attributes,
            line,
            (node) => (this.envelope.parts[local.toLowerCase() as 'header' | 'request' | 'reply'] = node),
          );
        }
        if (local === 'Payload') {
          this.envelope.complete();
          return { role: 'payload' };
        }
        return this.unknown(local, line);
      case 'payload':
        return this.payloadChild(ns, local, attributes, line);
      case 'meter-readings':
        if (local === 'MeterReading') {
          this.meterReadings.open(line);
          return { role: 'meter-reading' };
        }
        if (local === 'ReadingType') return this.collect(ns, local, attributes, line, (n) => this.addReadingType(n));
        if (local === 'ReadingQualityType')
          return this.collect(ns, local, attributes, line, (n) => this.addQualityType(n));
        if (local === 'EndDeviceEventType') return { role: 'skip' };
        return this.unknown(local, line);
      case 'meter-reading':
        if (local === 'IntervalBlocks') {
          this.blocks.open(line);
          return { role: 'interval-block' };
        }
        if (local === 'EndDeviceEvents') {
          this.output.diagnose(
            'warning',
            'end-device-events-ignored',
            'MeterReading/EndDeviceEvents are not loaded',
            line,
          );
          return { role: 'skip' };
        }
        if (['Readings', 'Meter', 'UsagePoint', 'valuesInterval', 'isCoincidentTrigger'].includes(local)) {
          return this.collect(ns, local, attributes, line, (n) => this.meterReadings.part(n));
        }
        return this.unknown(local, line);
      case 'interval-block':
        if (local === 'IntervalReadings')
          return this.collect(ns, local, attributes, line, (n) => this.blocks.reading(n));
        if (local === 'ReadingType') {
          this.blocks.readingTypeRef(attributes.get('ref')?.trim());
          return { role: 'skip' };
        }
        if (local === 'PendingCalculation') {
          this.blocks.pendingCalculation();
          return { role: 'skip' };
        }
        return this.unknown(local, line);
      default:
        return this.unknown(local, line);
    }
  }

  private messageRoot(local: string, line: number): Frame {
    this.envelope.root(local, line);
    return { role: 'message' };
  }

  private payloadChild(ns: string, local: string, attributes: ReadonlyMap<string, string>, line: number): Frame {
    if (local === 'Format') return this.collect(ns, local, attributes, line, (n) => (this.envelope.parts.format = n));
    if (local === 'Compressed' || local === 'OperationSet') {
      throw new CimMessageError(
        'payload-unsupported',
        '1.8',
        `Payload/${local} is not supported: send the MeterReadings element itself`,
        line,
      );
    }
    this.envelope.payload(local, line);
    if (local === 'MeterReadings' && isMeterReadingsNs(ns)) return { role: 'meter-readings' };
    return this.unknown(local, line);
  }

  private collect(
    ns: string,
    local: string,
    attributes: ReadonlyMap<string, string>,
    line: number,
    done: (node: XmlNode) => void,
  ): Frame {
    this.objectElements = 0;
    return { role: 'collect', node: { name: local, ns, attributes, text: '', children: [], line }, done };
  }

  private unknown(local: string, line: number): Frame {
    this.output.diagnose('warning', 'unknown-element', `<${local.slice(0, 60)}> is not read`, line);
    return { role: 'skip' };
  }

  private closeBlock(): void {
    const block = this.blocks.close();
    if (block) this.meterReadings.addBlock(block);
  }

  private addReadingType(node: XmlNode): void {
    const definition = readingTypeDefinition(node, this.output);
    if (definition) this.readingTypes.push(definition);
  }

  private addQualityType(node: XmlNode): void {
    const definition = qualityTypeDefinition(node);
    if (definition) this.qualityTypes.push(definition);
  }
}
