import { BlockHrefs } from './block-hrefs';
import { normalizeHref } from './hrefs';
import type { LinkDiagnostics } from './link-diagnostics';
import type { EntryRecord } from './linked-feed';
import type { EntryInfo } from './records';

/** The first entry seen under a self href, and every distinct content seen under it. */
interface SelfLink {
  kind: string;
  entry: EntryInfo;
  contents: Map<string, EntryInfo>;
}

/** The self links of the entries read so far, for the rule on entries that repeat or share one. */
export class SelfLinks {
  /** Per self href its first entry, for every kind but blocks, whose hrefs are in `blockHrefs`. */
  private readonly selfLinks = new Map<string, SelfLink>();
  private readonly blockHrefs = new BlockHrefs();
  /** The entry of the last block: several IntervalBlocks in one entry share its self link. */
  private lastBlockEntry: EntryInfo | undefined;

  constructor(private readonly diagnostics: LinkDiagnostics) {}

  /** Ranges and hrefs held for the blocks. */
  get blockHrefsHeld(): number {
    return this.blockHrefs.retained;
  }

  /**
   * A second entry with an earlier entry's self link and the same content is a repeat (custodians resend entries
   * in batch feeds): reported and dropped. With other content, or of another kind, it is a collision: reported and
   * kept, since either could be the right one (links to that href may then be ambiguous). Usage points and meter
   * readings are left to their own identity rules (`LinkRules`); blocks cannot be compared (their readings
   * have streamed on), so the coverage checks judge them.
   */
  repeats(r: EntryRecord): boolean {
    const self = r.entry.self && normalizeHref(r.entry.self);
    if (!self || r.type === 'UsagePoint' || r.type === 'MeterReading') return false;
    const first = this.selfLinks.get(self);
    if (first?.entry === r.entry) return false;
    const kind = r.type === 'CustomerEntity' ? r.kind : r.type;
    if (r.type === 'IntervalBlock') {
      const sibling = r.entry === this.lastBlockEntry;
      this.lastBlockEntry = r.entry;
      const repeated = !this.blockHrefs.add(self);
      if (first) this.diagnostics.collision(kind, self, r.entry, `the ${first.kind} at line ${first.entry.line}`);
      else if (repeated && !sibling) this.diagnostics.collision(kind, self, r.entry, 'an earlier IntervalBlock');
      return false;
    }
    if (!first) {
      if (this.blockHrefs.has(self) && r.entry !== this.lastBlockEntry)
        this.diagnostics.collision(kind, self, r.entry, 'an earlier IntervalBlock');
      else this.selfLinks.set(self, { kind, entry: r.entry, contents: new Map([[this.content(r), r.entry]]) });
      return false;
    }
    const content = this.content(r);
    const same = first.kind === kind ? first.contents.get(content) : undefined;
    if (same) {
      this.diagnostics.duplicate(kind, self, r.entry, same);
      return true;
    }
    if (first.kind === kind) first.contents.set(content, r.entry);
    this.diagnostics.collision(
      kind,
      self,
      r.entry,
      `the ${first.kind} at line ${first.entry.line}${first.kind === kind ? ' with other content' : ''}`,
    );
    return false;
  }

  private content(r: EntryRecord): string {
    return JSON.stringify({ ...r, entry: undefined });
  }
}
