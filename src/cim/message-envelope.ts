import { dropUndefined, textOf } from '../xml/element-tree';
import { decodeHeader, decodeReply, decodeRequest } from './envelope-fields';
import { CimMessageError } from './message-error';
import { MessageOutput } from './message-output';
import { CimEnvelope, CimHeader, MessageKind, Verb } from './records';
import { XmlNode } from './xml-node';

const REQUEST_VERBS = new Set<Verb>(['get', 'create', 'change', 'cancel', 'close', 'delete', 'execute']);
const EVENT_VERBS = new Set<Verb>(['created', 'changed', 'canceled', 'closed', 'deleted', 'executed']);

/**
 * The message around the payload: its root element, its Header, Request and Reply (collected whole), decoded and
 * checked against the message's kind and this endpoint's nouns into the `envelope` event before any payload event.
 */
export class MessageEnvelope {
  soap?: '1.1' | '1.2';
  /** Local name of the message element, once seen. */
  rootName?: string;
  header?: CimHeader;
  envelope?: CimEnvelope;
  readonly parts: { header?: XmlNode; request?: XmlNode; reply?: XmlNode; format?: XmlNode } = {};
  private kindByName?: MessageKind;
  private payloadName?: string;

  constructor(
    private readonly output: MessageOutput,
    /** Nouns this endpoint handles; another Noun is refused with 2.5. */
    private readonly nouns: ReadonlySet<string>,
  ) {}

  /** The message element, `local`: refused unless it names a 61968-100 message. */
  root(local: string, line: number): void {
    const kind = kindOfRoot(local);
    if (kind === null) {
      throw new CimMessageError(
        'not-a-message',
        '1.8',
        `<${local.slice(0, 60)}> is not a 61968-100 message (RequestMessage, ResponseMessage, EventMessage, FaultMessage)`,
        line,
      );
    }
    this.rootName = local;
    this.kindByName = kind;
  }

  /** The Payload's object `local`, which must be what the Header's Noun says. */
  payload(local: string, line: number): void {
    this.payloadName ??= local;
    const envelope = this.envelope as CimEnvelope;
    envelope.payloadName = this.payloadName;
    if (envelope.header && local !== envelope.header.noun) {
      throw new CimMessageError(
        'noun-payload-mismatch',
        '2.5',
        `the Noun is ${envelope.header.noun} but the Payload holds ${local}`,
        line,
        envelope.header,
      );
    }
  }

  /** Decodes Header/Request/Reply and checks they fit the message: runs when the Payload starts, or at the end. */
  complete(): void {
    if (this.envelope) return;
    const { header: headerNode, request, reply, format } = this.parts;
    if (headerNode) this.header = decodeHeader(headerNode);
    const header = this.header;
    const kind = this.kindByName === 'fault' ? 'fault' : (this.kindByName ?? kindOfVerb(header?.verb));
    if (kind !== 'fault') {
      if (!header) throw new CimMessageError('header-missing', '1.5', `the ${this.rootName} has no Header`);
      if (kind === undefined || kindOfVerb(header.verb) !== kind) {
        throw new CimMessageError(
          'verb-kind-mismatch',
          '2.9',
          `verb "${header.verb}" does not belong in a ${this.rootName}`,
        );
      }
      if (!this.nouns.has(header.noun)) {
        throw new CimMessageError(
          'noun-unsupported',
          '2.5',
          `Noun "${header.noun.slice(0, 60)}" is not handled here (${[...this.nouns].join(', ')})`,
        );
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
    this.output.push({ type: 'envelope', envelope: this.envelope });
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
