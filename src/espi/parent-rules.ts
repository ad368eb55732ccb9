import { placedDiagnostic, type Occurrences } from './collisions';
import { collectionOf, normalizeHref, parentOf } from './hrefs';
import type { LinkDiagnostics } from './link-diagnostics';
import type { EntryInfo } from './records';

/** An entry that may be a parent, and what it became once linked (none when it was rejected). */
export interface Candidate<T> {
  entry: EntryInfo;
  href?: string;
  linked?: T;
}

const NONE: never[] = [];

/** Candidate parents indexed by self href and by each `related` href, so finding a parent costs no scan. */
export class Parents<T> {
  private readonly bySelf = new Map<string, Candidate<T>[]>();
  private readonly byRelated = new Map<string, Candidate<T>[]>();

  constructor(readonly list: Candidate<T>[]) {
    for (const p of list) {
      if (p.href) push(this.bySelf, p.href, p);
      for (const r of p.entry.related) push(this.byRelated, normalizeHref(r), p);
    }
  }

  withHref(href: string | undefined): Candidate<T>[] {
    return (href && this.bySelf.get(href)) || NONE;
  }

  /** Parents whose `related` links name the href. */
  relating(href: string | undefined): Candidate<T>[] {
    return (href && this.byRelated.get(href)) || NONE;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** How a child entry finds its parent among the candidates, by its links and theirs. */
export class ParentRules {
  /** Children placed among entries sharing a self href, reported once per kind and parent. */
  private readonly placements = new Set<string>();

  constructor(
    private readonly occurrences: Occurrences,
    private readonly diagnostics: LinkDiagnostics,
  ) {}

  /**
   * The parent of a child entry, by the first rule that finds one: the child's `up` names the parent itself or
   * the parent's collection; the child's self href sits under the parent; the parent's `related` names the
   * child or its collection; and, with no links at all, the only candidate in the file.
   */
  find<T>(
    child: EntryInfo,
    parents: Parents<T>,
    childKind: string,
    collections: string[],
    reportAmbiguity: boolean,
  ): Candidate<T> | undefined {
    const up = child.up && normalizeHref(child.up);
    const self = child.self && normalizeHref(child.self);
    const rules: (() => Candidate<T>[])[] = [
      () => parents.withHref(up),
      () => collections.flatMap((c) => parents.withHref(up && parentOf(up, c))),
      () => collections.flatMap((c) => parents.withHref(self && parentOf(self, c))),
      () => [...parents.relating(self), ...parents.relating(up), ...parents.relating(self && collectionOf(self))],
    ];
    for (const rule of rules) {
      const found = uniqueBy(rule(), (p) => p);
      if (found.length === 1) return found[0];
      if (found.length > 1 && found[0].href && found.every((p) => p.href === found[0].href))
        return this.sharedSelf(child, childKind, found, reportAmbiguity);
      if (found.length > 1) {
        if (reportAmbiguity) {
          this.diagnostics.report({
            severity: 'error',
            code: 'link-ambiguous',
            message: `${childKind} could belong to ${found.length} parents`,
            line: child.line,
            entity: self ?? child.id,
          });
        }
        return undefined;
      }
    }
    // Only a child that names no parent at all may fall to the single candidate; a wrong `up` is an error.
    if (parents.list.length === 1 && !child.up) return parents.list[0];
    return undefined;
  }

  /** A child whose link names a self href that several kept entries share: the last of them before it in the file. */
  private sharedSelf<T>(child: EntryInfo, childKind: string, parents: Candidate<T>[], report: boolean): Candidate<T> {
    const chosen = this.occurrences.nearestBefore(parents, child.line);
    const said = `${childKind}|${chosen.href}|${chosen.entry.line}`;
    if (report && !this.placements.has(said)) {
      this.placements.add(said);
      this.diagnostics.report(placedDiagnostic(child, childKind, parents, chosen));
    }
    return chosen;
  }
}

/** The items of distinct keys, the first of each kept. */
export function uniqueBy<T, K>(items: T[], key: (t: T) => K): T[] {
  const seen = new Set<K>();
  return items.filter((t) => {
    const k = key(t);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
