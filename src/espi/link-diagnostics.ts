import type { SpilledBlock } from './block-spill';
import { Diagnostic, DiagnosticLog } from '../xml/diagnostics';
import type { ParseEvent } from './linked-feed';
import type { EntryInfo } from './records';

/**
 * The linker's findings: the file's diagnostics log, whose kept findings are also handed out as events as they
 * come. The findings several link rules share are worded here once.
 */
export class LinkDiagnostics extends DiagnosticLog {
  private pending: Diagnostic[] = [];

  override report(d: Diagnostic): boolean {
    const kept = super.report(d);
    if (kept) this.pending.push(d);
    return kept;
  }

  /** The findings not handed out yet, as events. */
  *drain(): Generator<ParseEvent> {
    if (this.pending.length === 0) return;
    const out = this.pending;
    this.pending = [];
    for (const diagnostic of out) yield { type: 'diagnostic', diagnostic };
  }

  collision(kind: string, self: string, entry: EntryInfo, earlier: string, key?: string) {
    const kept = key ? `both kept, this one under the key ${key}` : 'both kept';
    this.report({
      severity: 'warning',
      code: 'self-link-collision',
      message: `${kind} has the self link of ${earlier}; ${kept}`,
      line: entry.line,
      entity: self,
    });
  }

  duplicate(kind: string, identity: string, entry: EntryInfo, earlier: EntryInfo) {
    this.report({
      severity: 'warning',
      code: 'duplicate-entry',
      message: `${kind} ${identity} appears again (first at line ${earlier.line}); the first is kept`,
      line: entry.line,
      entity: identity,
    });
  }

  unlinked(kind: string, entry: EntryInfo, what: string, readings?: number) {
    this.report({
      severity: 'error',
      code: `unlinked-${kind.replace(/[A-Z]/g, (c, i) => (i ? '-' : '') + c.toLowerCase())}`,
      message: `${kind} has no ${what} it can be tied to${readings ? `: its ${readings} readings are rejected` : ''}`,
      line: entry.line,
      entity: entry.self ?? entry.id,
    });
  }

  rejectBlock(block: SpilledBlock, code: string, why: string) {
    this.report({
      severity: 'error',
      code,
      message: `IntervalBlock rejected with its ${block.readingCount} readings: ${why}`,
      line: block.line,
      entity: blockName(block),
    });
  }
}

export const blockName = (b: SpilledBlock) => b.entry.self ?? b.entry.id ?? `IntervalBlock#${b.ordinal}`;
