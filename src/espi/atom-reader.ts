import { ByteSource } from '../xml/byte-source';
import { Diagnostic } from '../xml/diagnostics';
import { XmlLimits } from '../xml/limits';
import { EspiFileError } from './diagnostics';
import { readEntity } from './atom-entities';
import { ATOM_NS, CUSTOMER_NS, ESPI_NS } from './namespaces';
import { isInt48, scanInteger } from './numbers';
import { PlainReadingScanner, READING_NOT_PLAIN } from './plain-reading';
import { BlockInfo, EntryInfo, EspiRecord, EspiIntervalReading, XmlElement } from './records';
import { XmlAttributes, XmlElementScope, XmlHandler, XmlPosition, XmlText } from './xml-handler';
import { driveXml } from './xml-stream';

export type ReaderEvent = EspiRecord | { type: 'Diagnostic'; diagnostic: Diagnostic };

export interface ReaderOptions {
  limits?: XmlLimits;
  /** Readings per batch handed downstream. */
  batchSize?: number;
  /** Elements in one entity's content (readings excepted): bounds memory per entry. */
  maxEntityElements?: number;
  /**
   * Read plain IntervalReadings straight from the bytes (`plain-reading.ts`; default true). false sends every one
   * through the tokenizer: the reference the differential test holds the fast path to.
   */
  plainReadings?: boolean;
}

/** The related links of an entry that has none (most): one shared, frozen array instead of one per entry. */
const NO_RELATED: string[] = Object.freeze([]) as unknown as string[];

const READING_FIELDS = new Set([
  'cost',
  'ReadingQuality',
  'quality',
  'timePeriod',
  'duration',
  'start',
  'value',
  'consumptionTier',
  'tou',
  'cpp',
]);

const FRACTIONAL_TEXT = /^\s*[+-]?\d*\.\d+\s*$/;

/**
 * Streams an ESPI Atom document (usage or customer feed) into records. Interval readings come out in batches as
 * they are parsed; every other entity comes out when its entry closes. Readings that break the rules are left
 * out and reported, with their line, as error diagnostics.
 */
export function readEspiAtom(source: ByteSource, options: ReaderOptions = {}): AsyncGenerator<ReaderEvent> {
  const reader = new AtomReader(
    options.batchSize ?? 2048,
    options.maxEntityElements ?? 100_000,
    options.plainReadings ?? true,
  );
  return driveXml(source, reader, () => reader.drain(), options.limits);
}

class AtomReader implements XmlHandler {
  private queue: ReaderEvent[] = [];
  private level = 0;
  private entryLevel = 0;
  private entry: EntryInfo | undefined;
  private entryRecords: EspiRecord[] = [];
  private atomField: string | undefined;
  private contentLevel = 0;
  private text = '';
  /** The current element's integer when its text came in one piece (`text` then holds it only if it is not one). */
  private number: number | undefined;
  private unknownSeen = new Set<string>();
  private readonly sharedStrings = new Map<string, string>();

  // A resource being captured as a tree.
  private tree:
    { kind: string; ns: string; root: XmlElement; stack: XmlElement[]; level: number; line: number } | undefined;
  private treeSize = 0;

  // An IntervalBlock being streamed.
  private block: BlockInfo | undefined;
  private blockLevel = 0;
  private blockCount = 0;
  private inInterval = false;
  private intervalStart: number | undefined;
  private intervalDuration: number | undefined;
  private reading: EspiIntervalReading | undefined;
  private readingProblem: Diagnostic | undefined;
  private batch: EspiIntervalReading[] = [];
  /** Whether to try the fast path on the current block's readings: one that is not plain makes the rest unlikely. */
  private tryPlainReadings = false;
  private readonly scanner = new PlainReadingScanner();

  constructor(
    private readonly batchSize: number,
    private readonly maxEntityElements: number,
    private readonly plainReadings: boolean,
  ) {}

  drain(): ReaderEvent[] {
    const out = this.queue;
    this.queue = [];
    return out;
  }

  onOpen(uri: string, local: string, attributes: XmlAttributes | undefined, at: XmlPosition): void {
    const level = ++this.level;
    this.text = '';
    this.number = undefined;
    if (this.block) return this.openInBlock(local, at, level);
    if (this.tree) return this.openInTree(local);
    if (level === 1) {
      if (uri !== ATOM_NS || (local !== 'feed' && local !== 'entry')) {
        throw new EspiFileError('not-espi', `root element is {${uri}}${local}, not an Atom feed or entry`, at.line);
      }
      if (local === 'entry') this.startEntry(level, at.line);
      return;
    }
    if (!this.entry) {
      if (level === 2 && uri === ATOM_NS && local === 'entry') this.startEntry(level, at.line);
      return;
    }
    if (level === this.entryLevel + 1) {
      if (uri !== ATOM_NS) return this.unknown(`{${uri}}${local}`, at.line);
      if (local === 'link') return this.link(attributes);
      if (local === 'content') {
        this.contentLevel = level;
        return;
      }
      this.atomField = local;
      return;
    }
    if (this.contentLevel && level === this.contentLevel + 1) return this.startResource(uri, local, at.line, level);
  }

  onClose(_uri: string, local: string, at: XmlPosition): void {
    const level = this.level--;
    if (this.block) {
      this.closeInBlock(local, level, at);
    } else if (this.tree) {
      this.closeInTree(level);
    } else if (this.entry && level === this.entryLevel + 1 && this.atomField) {
      this.atomEntryField(this.atomField, this.text.trim());
      this.atomField = undefined;
    } else if (this.entry && level === this.contentLevel) {
      this.contentLevel = 0;
    } else if (this.entry && level === this.entryLevel) {
      this.endEntry();
    }
    this.text = '';
    this.number = undefined;
  }

  /**
   * A plain reading directly under the block, in one piece, taken straight from the bytes: the same reading,
   * line and checks as its open, text and close events would give (`closeInBlock`, `endReading`).
   */
  onElement(bytes: Buffer, start: number, scope: XmlElementScope): number {
    // IntervalReading > timePeriod > start is three levels below the block.
    if (!this.tryPlainReadings || this.level !== this.blockLevel || scope.depthLeft < 3) return -1;
    const end = this.scanner.scan(bytes, start, scope.parentPrefix);
    if (end < 0) {
      if (end === READING_NOT_PLAIN) this.tryPlainReadings = false;
      return -1;
    }
    const reading = this.scanner.reading;
    reading.line = scope.line;
    scope.tookLineBreaks(this.scanner.lineBreaks);
    this.reading = reading;
    this.readingProblem = undefined;
    this.endReading(reading);
    this.text = '';
    this.number = undefined;
    return end;
  }

  onText(run: XmlText): void {
    if (this.tree) {
      const node = this.tree.stack[this.tree.stack.length - 1];
      node.text = node.text === undefined ? run.string() : node.text + run.string();
    } else if (this.reading && run.whole) {
      // A reading field in one piece, the usual case: its number straight from the bytes, a string only to report it.
      this.number = run.integer();
      if (!isInt48(this.number)) this.text = run.string();
    } else {
      this.text += run.string();
    }
  }

  // --- Atom envelope ---------------------------------------------------------------------------------------

  private startEntry(level: number, line: number) {
    this.entry = { related: NO_RELATED, line };
    this.entryLevel = level;
    this.entryRecords = [];
  }

  private link(attributes: XmlAttributes | undefined) {
    const entry = this.entry!;
    const href = attributes?.get('href')?.trim();
    if (!href) return;
    const rel = attributes!.get('rel') ?? 'alternate';
    if (rel === 'self') entry.self = href;
    else if (rel === 'up') entry.up = this.shared(href);
    else if (rel === 'related') {
      if (entry.related === NO_RELATED) entry.related = [this.shared(href)];
      else entry.related.push(this.shared(href));
    }
  }

  /**
   * One string for text that repeats from entry to entry (up and related hrefs, timestamps, titles): the linker
   * holds every block's entry until the end of the file, and these were most of that memory.
   */
  private shared(text: string): string {
    const known = this.sharedStrings.get(text);
    if (known !== undefined) return known;
    if (this.sharedStrings.size < 4096) this.sharedStrings.set(text, text);
    return text;
  }

  private atomEntryField(name: string, value: string) {
    const entry = this.entry!;
    if (name === 'id') entry.id = value;
    // Atom requires a title, so writers put an empty one where they have none: that is no title.
    else if (name === 'title') entry.title = value ? this.shared(value) : undefined;
    else if (name === 'published') entry.published = this.shared(value);
    else if (name === 'updated') entry.updated = this.shared(value);
  }

  private endEntry() {
    for (const r of this.entryRecords) this.queue.push(r);
    this.entry = undefined;
    this.entryRecords = [];
    this.contentLevel = 0;
  }

  private unknown(name: string, line: number) {
    if (this.unknownSeen.has(name)) return;
    this.unknownSeen.add(name);
    this.diagnostic({ severity: 'warning', code: 'unknown-element', message: `unknown element ${name} ignored`, line });
  }

  private diagnostic(d: Diagnostic) {
    this.queue.push({ type: 'Diagnostic', diagnostic: d });
  }

  // --- Entity content kept as a tree ------------------------------------------------------------------------

  private startResource(uri: string, local: string, line: number, level: number) {
    if (uri === ESPI_NS && local === 'IntervalBlock') {
      this.block = { ordinal: this.blockCount++, entry: this.entry!, readingCount: 0, line };
      this.blockLevel = level;
      this.intervalStart = this.intervalDuration = undefined;
      this.tryPlainReadings = this.plainReadings;
      return;
    }
    if (uri !== ESPI_NS && uri !== CUSTOMER_NS) this.unknown(`{${uri}}${local}`, line);
    const root: XmlElement = { name: local, children: [] };
    this.tree = { kind: local, ns: uri, root, stack: [root], level, line };
    this.treeSize = 1;
  }

  private openInTree(local: string) {
    const tree = this.tree!;
    if (++this.treeSize > this.maxEntityElements) {
      throw new EspiFileError(
        'entity-too-large',
        `a ${tree.kind} entity with more than ${this.maxEntityElements} elements`,
        tree.line,
      );
    }
    const node: XmlElement = { name: local, children: [] };
    tree.stack[tree.stack.length - 1].children.push(node);
    tree.stack.push(node);
  }

  private closeInTree(level: number) {
    const tree = this.tree!;
    if (level > tree.level) {
      tree.stack.pop();
      return;
    }
    this.tree = undefined;
    this.entityRecord(tree.kind, tree.ns, tree.root, tree.line);
  }

  private entityRecord(kind: string, ns: string, root: XmlElement, line: number) {
    const entry = this.entry!;
    const { record, unknown, problems } = readEntity(kind, ns, root, entry);
    for (const name of unknown) this.unknown(name, line);
    if (record) this.entryRecords.push(record);
    if (problems.length > 0) {
      this.diagnostic({
        severity: 'error',
        code: 'entity-bad-number',
        message: `${kind}: not an integer where one is required: ${problems.join(', ')}`,
        line,
        entity: entry.self ?? entry.id,
      });
    }
  }

  // --- IntervalBlock: streamed reading by reading -----------------------------------------------------------

  private openInBlock(local: string, at: XmlPosition, level: number) {
    const rel = level - this.blockLevel;
    if (rel === 1) {
      if (local === 'IntervalReading') {
        this.reading = { start: NaN, duration: NaN, line: at.line };
        this.readingProblem = undefined;
      } else if (local === 'interval') {
        this.inInterval = true;
      } else {
        this.unknown(`IntervalBlock/${local}`, at.line);
      }
    } else if (this.reading && !READING_FIELDS.has(local)) {
      this.unknown(`IntervalReading/${local}`, at.line);
    }
  }

  private closeInBlock(local: string, level: number, at: XmlPosition) {
    const rel = level - this.blockLevel;
    if (rel === 0) return this.endBlock();
    if (this.inInterval) {
      if (rel === 1) {
        this.inInterval = false;
        if (this.intervalStart !== undefined && this.intervalDuration !== undefined) {
          this.block!.interval = { start: this.intervalStart, duration: this.intervalDuration };
        }
      } else if (local === 'start') this.intervalStart = this.blockNumber('interval start', at.line);
      else if (local === 'duration') this.intervalDuration = this.blockNumber('interval duration', at.line);
      return;
    }
    const r = this.reading;
    if (!r) return;
    switch (local) {
      case 'start':
        r.start = this.readingNumber('start');
        break;
      case 'duration':
        r.duration = this.readingNumber('duration');
        break;
      case 'value':
        r.value = this.readingNumber('value');
        break;
      case 'cost':
        r.cost = this.readingNumber('cost');
        break;
      case 'quality':
        (r.qualities ??= []).push(this.readingNumber('quality'));
        break;
      case 'tou':
        r.tou = this.readingNumber('tou');
        break;
      case 'cpp':
        r.cpp = this.readingNumber('cpp');
        break;
      case 'consumptionTier':
        r.consumptionTier = this.readingNumber('consumptionTier');
        break;
      case 'IntervalReading':
        if (rel === 1) this.endReading(r);
        break;
    }
  }

  /** Parses a reading field; on failure the reading is marked rejected (the first problem is the one reported). */
  private readingNumber(field: string): number {
    const t = this.text;
    const n = this.number ?? scanInteger(t);
    if (!Number.isNaN(n)) {
      if (isInt48(n)) return n;
      this.rejectReading('value-out-of-range', `${field} ${t.trim()} is outside the Int48 range of ESPI`);
      return NaN;
    }
    if (field === 'start' && FRACTIONAL_TEXT.test(t)) {
      this.rejectReading('reading-fractional-start', `start ${t.trim()} is not a whole second`);
    } else {
      this.rejectReading('reading-bad-number', `${field} "${t.trim().slice(0, 40)}" is not an integer`);
    }
    return NaN;
  }

  private rejectReading(code: string, message: string) {
    this.readingProblem ??= { severity: 'error', code, message, line: this.reading!.line, entity: this.blockName() };
  }

  private blockNumber(field: string, line: number): number | undefined {
    const t = this.text;
    const n = scanInteger(t);
    if (!Number.isNaN(n)) return n;
    this.diagnostic({
      severity: 'warning',
      code: 'block-bad-interval',
      message: `IntervalBlock ${field} "${t.trim()}" is not an integer`,
      line,
    });
    return undefined;
  }

  private blockName(): string {
    const b = this.block!;
    return b.entry.self ?? b.entry.id ?? `IntervalBlock#${b.ordinal}`;
  }

  private endReading(r: EspiIntervalReading) {
    if (!this.readingProblem) {
      if (Number.isNaN(r.start)) this.rejectReading('reading-no-start', 'IntervalReading without timePeriod/start');
      else if (Number.isNaN(r.duration))
        this.rejectReading('reading-no-duration', 'IntervalReading without timePeriod/duration');
      else if (r.duration <= 0)
        this.rejectReading(
          r.duration < 0 ? 'reading-negative-duration' : 'reading-no-duration',
          `duration ${r.duration} is ${r.duration < 0 ? 'negative' : 'zero'}`,
        );
    }
    this.reading = undefined;
    if (this.readingProblem) {
      this.diagnostic(this.readingProblem);
      return;
    }
    this.batch.push(r);
    this.block!.readingCount++;
    if (this.batch.length >= this.batchSize) this.flushBatch();
  }

  private flushBatch() {
    if (this.batch.length === 0) return;
    this.queue.push({ type: 'Readings', block: this.block!, readings: this.batch });
    this.batch = [];
  }

  private endBlock() {
    this.flushBatch();
    const block = this.block!;
    this.block = undefined;
    this.tryPlainReadings = false;
    this.entryRecords.push({ type: 'IntervalBlock', entry: block.entry, block });
  }
}
