import { linkBlocks } from './block-rules';
import { linkContent, Occurrences, readingTypeOf, readingTypesReached, SeriesEvidence } from './collisions';
import { normalizeHref } from './hrefs';
import type { LinkDiagnostics } from './link-diagnostics';
import type { LinkState } from './link-state';
import type { LinkedFeed, LinkedMeterReading, LinkedUsagePoint, RecordOf } from './linked-feed';
import { Parents, ParentRules, uniqueBy, type Candidate } from './parent-rules';
import { flowOf, readingTypeSignature } from './reading-type';
import type { EntryInfo } from './records';
import { settleZone, usagePointZone } from './usage-point-zone';

/**
 * The rules that link the entries once all are in: usage points by identity, each meter reading to its usage point
 * and reading type, each block to its meter reading (`linkBlocks`), summaries and service locations to their usage
 * points. An owner may come after its children, or name them only through its `related` links, so nothing is
 * decided before the end of the file.
 */
export class LinkRules {
  /** Usage points and meter readings by identity and content, with where their copies stood. */
  private readonly occurrences = new Occurrences();
  private readonly parents: ParentRules;
  private readonly diagnostics: LinkDiagnostics;
  private readonly unsettled: { usagePoint: LinkedUsagePoint; ltp: RecordOf<'LocalTimeParameters'> }[] = [];
  private readonly usedTypes = new Set<RecordOf<'ReadingType'>>();

  constructor(private readonly state: LinkState) {
    this.diagnostics = state.diagnostics;
    this.parents = new ParentRules(this.occurrences, state.diagnostics);
  }

  link(): LinkedFeed {
    const usagePoints = new Parents(this.linkUsagePoints());
    const meterReadings = new Parents(this.linkMeterReadings(usagePoints));
    const blockOwner = linkBlocks(this.state, this.parents, meterReadings);
    const linkedReadings = uniqueBy(
      meterReadings.list.flatMap((m) => (m.linked ? [m.linked] : [])),
      (m) => m,
    );
    for (const { usagePoint: up, ltp } of this.unsettled)
      this.diagnostics.report(
        settleZone(
          up,
          ltp,
          linkedReadings.filter((m) => m.usagePoint === up),
          this.state.options.fallbackZone,
        ),
      );
    // The rows are read: the temporary file goes now, not when the consumer finishes with the feed.
    this.state.spill.close();
    const summaries = this.state.summaries.map((s) => ({
      type: s.type,
      usagePoint: this.parents.find(s.entry, usagePoints, s.type, ['UsageSummary', 'ElectricPowerUsageSummary'], false)
        ?.linked,
      fields: s.fields,
      entry: s.entry,
    }));
    for (const s of summaries) {
      if (!s.usagePoint) this.diagnostics.unlinked(s.type, s.entry, 'usage point');
    }
    const serviceLocationUsagePoints = this.linkServiceLocations(usagePoints.list);
    return {
      ...this.state.emptyFeed(),
      usagePoints: usagePoints.list.flatMap((u) => (u.linked ? [u.linked] : [])),
      meterReadings: linkedReadings,
      summaries,
      customers: this.state.customers,
      serviceLocationUsagePoints,
      localTimeParameters: this.state.ltps,
      unusedReadingTypes: this.state.readingTypes.filter((t) => !this.usedTypes.has(t)),
      blockOwner,
    };
  }

  private linkServiceLocations(usagePoints: Candidate<LinkedUsagePoint>[]): LinkedFeed['serviceLocationUsagePoints'] {
    const byRef = new Map<string, LinkedUsagePoint>();
    for (const u of usagePoints) {
      if (!u.linked) continue;
      if (u.href) byRef.set(u.href, u.linked);
      if (u.linked.atomId) byRef.set(u.linked.atomId, u.linked);
    }
    const links: LinkedFeed['serviceLocationUsagePoints'] = [];
    for (const c of this.state.customers) {
      if (c.kind !== 'ServiceLocation') continue;
      for (const ref of c.usagePointRefs) {
        const usagePoint = byRef.get(ref) ?? byRef.get(normalizeHref(ref));
        if (usagePoint) links.push({ serviceLocation: c, usagePoint });
        else if (byRef.size > 0) {
          this.diagnostics.report({
            severity: 'warning',
            code: 'unlinked-usage-point-ref',
            message: `ServiceLocation names usage point ${ref}, which is not in this file`,
            line: c.entry.line,
            entity: c.entry.self ?? c.entry.id,
          });
        }
      }
    }
    return links;
  }

  // --- usage points and their time zones --------------------------------------------------------------------

  /**
   * Usage points by identity (self, else atom:id): the same content again is a duplicate (first kept); other content
   * is another usage point, kept under the key `…(<n>)` (a path: the href an export writes stays its own).
   */
  private linkUsagePoints(): Candidate<LinkedUsagePoint>[] {
    const out: Candidate<LinkedUsagePoint>[] = [];
    for (const up of this.state.usagePoints) {
      const href = up.entry.self && normalizeHref(up.entry.self);
      const identity = href ?? (up.entry.id && `id:${up.entry.id}`);
      if (!identity) {
        this.diagnostics.report({
          severity: 'error',
          code: 'usage-point-no-identity',
          message: 'UsagePoint entry has neither a self link nor an atom:id',
          line: up.entry.line,
        });
        continue;
      }
      const seenAs = this.occurrences.see(
        `UsagePoint ${identity}`,
        JSON.stringify([up.serviceKind, up.status, up.roleFlags, linkContent(up.entry)]),
        up.entry,
      );
      if ('repeats' in seenAs) {
        this.diagnostics.duplicate('UsagePoint', identity, up.entry, seenAs.repeats);
        continue;
      }
      const key = `${this.state.options.source}|${identity}${seenAs.nth > 1 ? `(${seenAs.nth})` : ''}`;
      if (seenAs.first)
        this.diagnostics.collision(
          'UsagePoint',
          identity,
          up.entry,
          `the UsagePoint at line ${seenAs.first.line} with other content`,
          key,
        );
      const { unsettled, ...zone } = usagePointZone(up.entry, this.state.ltps, this.state.options, (d) =>
        this.diagnostics.report(d),
      );
      const linked: LinkedUsagePoint = {
        key,
        href,
        atomId: up.entry.id,
        title: up.entry.title,
        serviceKind: up.serviceKind,
        status: up.status,
        roleFlags: up.roleFlags,
        tariffProfile: up.tariffProfile,
        ...zone,
        entry: up.entry,
      };
      if (unsettled) this.unsettled.push({ usagePoint: linked, ltp: unsettled });
      out.push({ entry: up.entry, href, linked });
    }
    return out;
  }

  // --- meter readings and reading types ---------------------------------------------------------------------

  private linkMeterReadings(usagePoints: Parents<LinkedUsagePoint>): Candidate<LinkedMeterReading>[] {
    const out = this.distinctMeterReadings(usagePoints);
    const evidence = this.seriesEvidence(out);
    const keys = new Map<string, Candidate<LinkedMeterReading>>();
    for (const candidate of out) {
      const { entry, href } = candidate;
      const identity = href ?? entry.id ?? `line ${entry.line}`;
      const up = this.parents.find(entry, usagePoints, 'MeterReading', ['MeterReading'], true)?.linked;
      const rt = this.readingTypeOf(entry, evidence?.get(candidate), up);
      if (!up) {
        this.diagnostics.unlinked('MeterReading', entry, 'usage point');
        continue;
      }
      if (!rt) {
        this.diagnostics.unlinked('MeterReading', entry, 'reading type');
        continue;
      }
      this.usedTypes.add(rt);
      const signature = readingTypeSignature(rt.fields);
      const key = `${up.key}|${signature}`;
      const clash = keys.get(key);
      if (clash) {
        this.diagnostics.report({
          severity: 'warning',
          code: 'meter-reading-merged',
          message: `MeterReading ${identity} has the same usage point and reading type as ${clash.href ?? clash.entry.id}: their readings form one series`,
          line: entry.line,
          entity: identity,
        });
        candidate.linked = clash.linked;
        continue;
      }
      candidate.linked = {
        key,
        href,
        usagePoint: up,
        readingType: rt.fields,
        readingTypeHref: rt.entry.self && normalizeHref(rt.entry.self),
        flow: flowOf(rt.fields),
        blockCount: 0,
        readingCount: 0,
        valueTotal: 0n,
        costTotal: 0n,
        entry,
      };
      keys.set(key, candidate);
    }
    return out;
  }

  /**
   * MeterReadings by identity (self, else atom:id): a repeat with the same links and usage point is a duplicate
   * (first kept); any other is another resource under the same self href, kept (its blocks are placed by `findParent`).
   */
  private distinctMeterReadings(usagePoints: Parents<LinkedUsagePoint>): Candidate<LinkedMeterReading>[] {
    const out: Candidate<LinkedMeterReading>[] = [];
    for (const { entry } of this.state.meterReadings) {
      const href = entry.self && normalizeHref(entry.self);
      const identity = href ?? entry.id ?? `line ${entry.line}`;
      // Under a usage point that shares its self href with another, the same links name another resource.
      const up = this.parents.find(entry, usagePoints, 'MeterReading', ['MeterReading'], false)?.linked;
      const seenAs = this.occurrences.see(
        `MeterReading ${identity}`,
        JSON.stringify([up?.key, linkContent(entry)]),
        entry,
      );
      if ('repeats' in seenAs) {
        this.diagnostics.duplicate('MeterReading', identity, entry, seenAs.repeats);
        continue;
      }
      if (seenAs.first)
        this.diagnostics.collision(
          'MeterReading',
          identity,
          entry,
          `the MeterReading at line ${seenAs.first.line} with other links or usage point`,
        );
      out.push({ entry, href });
    }
    return out;
  }

  /** What each MeterReading's blocks say, read from the spilled rows only when one of them reaches several ReadingTypes. */
  private seriesEvidence(
    meterReadings: Candidate<LinkedMeterReading>[],
  ): Map<Candidate<LinkedMeterReading>, SeriesEvidence> | undefined {
    if (!meterReadings.some((m) => readingTypesReached(m.entry, this.state.readingTypes).length > 1)) return undefined;
    const parents = new Parents(meterReadings);
    const evidence = new Map<Candidate<LinkedMeterReading>, SeriesEvidence>();
    for (const block of this.state.spill.read()) {
      const mr = this.parents.find(block.entry, parents, 'IntervalBlock', ['IntervalBlock'], false);
      if (!mr) continue;
      evidence.set(mr, (evidence.get(mr) ?? new SeriesEvidence()).add(block.readingCount, block.durations));
    }
    return evidence;
  }

  private readingTypeOf(
    mr: EntryInfo,
    data: SeriesEvidence | undefined,
    up: LinkedUsagePoint | undefined,
  ): RecordOf<'ReadingType'> | undefined {
    const { readingType, diagnostic } = readingTypeOf(
      mr,
      this.state.readingTypes,
      data,
      up?.localTimeParameters?.dstOffset ?? 3600,
    );
    if (diagnostic) this.diagnostics.report(diagnostic);
    return (
      readingType ??
      (this.state.readingTypes.length === 1 && this.state.meterReadings.length === 1
        ? this.state.readingTypes[0]
        : undefined)
    );
  }
}
