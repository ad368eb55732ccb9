import { normalizeHref } from './hrefs';
import type { Diagnostic } from '../xml/diagnostics';
import type { EntryInfo, ReadingTypeFields } from './records';

// Two different resources under one self href (anonymised or per-section numbering, batch feeds that resend entries):
// a reader still tells which one the data means, from what the data itself says and from where it sits in the file.
// Repeats with the same content stay duplicates (first kept); everything here is about entries that differ.

/** What a MeterReading's blocks say of their reading type, gathered before the reading type is chosen. */
export class SeriesEvidence {
  readingCount = 0;
  /** Distinct reading durations with their counts. */
  readonly durations = new Map<number, number>();

  add(readingCount: number, durations: number[]): this {
    this.readingCount += readingCount;
    for (let i = 0; i < durations.length; i += 2)
      this.durations.set(durations[i], (this.durations.get(durations[i]) ?? 0) + durations[i + 1]);
    return this;
  }
}

interface TypeCandidate {
  entry: EntryInfo;
  fields: ReadingTypeFields;
}

/**
 * How well a ReadingType fits the readings of the MeterReading that links it, most telling first: it has a unit when
 * the readings have values (else they would be refused), its intervalLength is the readings' duration (give or take
 * the DST hour, as local days and months are) rather than another, and its `up` names this MeterReading.
 */
function fit(
  t: TypeCandidate,
  mrSelf: string | undefined,
  data: SeriesEvidence | undefined,
  dstOffset: number,
): number[] {
  const unit = t.fields.uom !== undefined || !data?.readingCount ? 1 : 0;
  const length = t.fields.intervalLength;
  const durations = [...(data?.durations.keys() ?? [])];
  const interval =
    length === undefined || durations.length === 0
      ? 1
      : durations.every((d) => d === length || Math.abs(d - length) === dstOffset)
        ? 2
        : 0;
  const up = mrSelf !== undefined && t.entry.up !== undefined && normalizeHref(t.entry.up) === mrSelf ? 1 : 0;
  return [unit, interval, up];
}

const REASONS = [
  'has a unit for the readings',
  'has the intervalLength of the readings',
  'names this MeterReading as its up link',
];

/**
 * The ReadingType a MeterReading means among several different ones its links reach: the one that fits its readings
 * best (see `fit`); among equals, the first in the file, as for repeated entries. Returns the choice and why.
 */
function chooseReadingType<T extends TypeCandidate>(
  candidates: T[],
  mrSelf: string | undefined,
  data: SeriesEvidence | undefined,
  dstOffset: number,
): { chosen: T; why: string } {
  const scores = candidates.map((t) => fit(t, mrSelf, data, dstOffset));
  let best = 0;
  for (let i = 1; i < candidates.length; i++) if (compare(scores[i], scores[best]) > 0) best = i;
  const equals = scores.filter((s) => compare(s, scores[best]) === 0).length;
  const telling = REASONS.filter((_, k) => scores.some((s) => s[k] < scores[best][k]));
  const why =
    equals === 1
      ? `the one that ${telling.join(' and ')}`
      : `nothing in its readings tells ${equals} of them apart, so the first in the file, as for repeated entries`;
  return { chosen: candidates[best], why };
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/**
 * Entries seen by identity (self href, else atom:id; one instance may hold several kinds, told apart in the identity).
 * A repeat with the same content is a duplicate (custodians resend entries: the first is kept, where each copy
 * stood is remembered); one with other content is another resource under that identity, the n-th one.
 */
export class Occurrences {
  private readonly seen = new Map<string, Map<string, EntryInfo>>();
  /** Lines of the later copies of each kept entry. */
  private readonly copies = new Map<EntryInfo, number[]>();

  /** The earlier entry this one repeats, or its place among the different ones under its identity (1 for the first). */
  see(
    identity: string,
    content: string,
    entry: EntryInfo,
  ): { repeats: EntryInfo } | { nth: number; first?: EntryInfo } {
    const contents = this.seen.get(identity) ?? new Map<string, EntryInfo>();
    this.seen.set(identity, contents);
    const repeats = contents.get(content);
    if (repeats) {
      this.copies.set(repeats, [...(this.copies.get(repeats) ?? []), entry.line]);
      return { repeats };
    }
    const first = contents.values().next().value;
    contents.set(content, entry);
    return { nth: contents.size, first };
  }

  /**
   * The parent a child means among several entries kept under one self href: feeds list a parent before its
   * children, so the one with a copy last before the child in the file; the first when the child comes before all.
   */
  nearestBefore<T extends { entry: EntryInfo }>(parents: T[], childLine: number): T {
    let chosen: T | undefined;
    let chosenLine = -1;
    for (const p of parents) {
      for (const line of [p.entry.line, ...(this.copies.get(p.entry) ?? [])]) {
        if (line < childLine && line > chosenLine) [chosen, chosenLine] = [p, line];
      }
    }
    return chosen ?? parents.reduce((a, b) => (b.entry.line < a.entry.line ? b : a));
  }
}

/** The links that make an entry what it is; two entries under one self href with the same links are one resource. */
export function linkContent(entry: EntryInfo): string {
  const related = [...new Set(entry.related.map(normalizeHref))].sort();
  return JSON.stringify([entry.up && normalizeHref(entry.up), related]);
}

const lines = (items: { entry: EntryInfo }[]) => items.map((i) => i.entry.line).join(', ');

/** The different ReadingTypes a MeterReading's links reach: named in its `related`, or with `up` naming it. */
export function readingTypesReached<T extends TypeCandidate>(mr: EntryInfo, readingTypes: T[]): T[] {
  const related = new Set(mr.related.map(normalizeHref));
  const self = mr.self && normalizeHref(mr.self);
  const seen = new Set<string>();
  return readingTypes.filter((t) => {
    const reached =
      (t.entry.self && related.has(normalizeHref(t.entry.self))) ||
      (self && t.entry.up && normalizeHref(t.entry.up) === self);
    const fields = JSON.stringify(t.fields);
    if (!reached || seen.has(fields)) return false;
    seen.add(fields);
    return true;
  });
}

/** A MeterReading's ReadingType, with the warning that names the choice when its links reach several. */
export function readingTypeOf<T extends TypeCandidate>(
  mr: EntryInfo,
  readingTypes: T[],
  data: SeriesEvidence | undefined,
  dstOffset: number,
): { readingType?: T; diagnostic?: Diagnostic } {
  const reached = readingTypesReached(mr, readingTypes);
  if (reached.length <= 1) return { readingType: reached[0] };
  const self = mr.self && normalizeHref(mr.self);
  const { chosen, why } = chooseReadingType(reached, self, data, dstOffset);
  const hrefs = new Set(reached.map((t) => t.entry.self && normalizeHref(t.entry.self)));
  const shared =
    hrefs.size === 1 && chosen.entry.self ? `, all under the self link ${normalizeHref(chosen.entry.self)}` : '';
  const message = `MeterReading ${self ?? mr.id} reaches ${reached.length} different ReadingTypes (lines ${lines(reached)}${shared}): the one at line ${chosen.entry.line} is used, ${why}`;
  return {
    readingType: chosen,
    diagnostic: { severity: 'warning', code: 'collision-resolved', message, line: mr.line, entity: self ?? mr.id },
  };
}

/** The warning for children placed among entries that share a self href (once per child kind and parent). */
export function placedDiagnostic(
  child: EntryInfo,
  childKind: string,
  parents: { entry: EntryInfo; href?: string }[],
  chosen: { entry: EntryInfo; href?: string },
): Diagnostic {
  return {
    severity: 'warning',
    code: 'collision-resolved',
    message: `${childKind} at line ${child.line} names ${chosen.href}, the self link of ${parents.length} entries (lines ${lines(parents)}): it, and every later ${childKind} placed alike, belongs to the one at line ${chosen.entry.line}, the last of them before it in the file (copies included)`,
    line: child.line,
    entity: child.self ?? child.id,
  };
}
