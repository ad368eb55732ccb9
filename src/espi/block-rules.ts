import { BlockOwners } from './block-owners';
import type { SpilledBlock } from './block-spill';
import { Coverage } from './coverage';
import { blockName, type LinkDiagnostics } from './link-diagnostics';
import type { LinkState } from './link-state';
import type { LinkedMeterReading } from './linked-feed';
import type { ParentRules, Parents } from './parent-rules';

/**
 * The owner of each finished block, read back from the spilled rows once every entry is in: its meter reading,
 * unless the block cannot be tied to one, its readings have values in no unit or they repeat an earlier block's.
 * The owners' totals and time spans add up their blocks.
 */
export function linkBlocks(
  state: LinkState,
  parents: ParentRules,
  meterReadings: Parents<LinkedMeterReading>,
): BlockOwners<LinkedMeterReading> {
  const { diagnostics } = state;
  const owner = new BlockOwners<LinkedMeterReading>();
  const coverage = new Map<LinkedMeterReading, Coverage>();
  for (const block of state.spill.read()) {
    const mr = parents.find(block.entry, meterReadings, 'IntervalBlock', ['IntervalBlock'], true);
    if (!mr || !mr.linked) {
      if (!mr) diagnostics.unlinked('IntervalBlock', block.entry, 'meter reading', block.readingCount);
      else diagnostics.rejectBlock(block, 'block-owner-rejected', `its MeterReading was rejected`);
      continue;
    }
    const linked = mr.linked;
    if (block.readingCount > 0 && linked.readingType.uom === undefined) {
      diagnostics.rejectBlock(
        block,
        'unit-missing',
        `readings with values but the ReadingType ${linked.readingTypeHref ?? ''} has no uom`,
      );
      continue;
    }
    let seen = coverage.get(linked);
    if (!seen) coverage.set(linked, (seen = new Coverage()));
    if (!seen.addRanges(block.ranges)) {
      diagnostics.rejectBlock(
        block,
        'reading-duplicate-start',
        `readings repeat or overlap those of an earlier block of ${linked.href ?? linked.key}`,
      );
      continue;
    }
    checkIntervalLength(diagnostics, block, linked);
    owner.add(block.ordinal, linked);
    linked.blockCount++;
    linked.readingCount += block.readingCount;
    linked.valueTotal += block.valueTotal;
    linked.costTotal += block.costTotal;
    const { firstStart, lastEnd } = block;
    if (firstStart !== undefined && (linked.firstStart === undefined || firstStart < linked.firstStart))
      linked.firstStart = firstStart;
    if (lastEnd !== undefined && (linked.lastEnd === undefined || lastEnd > linked.lastEnd)) linked.lastEnd = lastEnd;
  }
  return owner;
}

function checkIntervalLength(diagnostics: LinkDiagnostics, block: SpilledBlock, mr: LinkedMeterReading) {
  const expected = mr.readingType.intervalLength;
  if (expected === undefined) return;
  const dst = mr.usagePoint.localTimeParameters?.dstOffset ?? 3600;
  const off: string[] = [];
  for (let i = 0; i < block.durations.length; i += 2) {
    const [duration, count] = [block.durations[i], block.durations[i + 1]];
    // Local days and months are an hour short or long across a DST change: that is not a disagreement.
    if (duration !== expected && Math.abs(duration - expected) !== dst) off.push(`${count}× ${duration} s`);
  }
  if (off.length > 0) {
    diagnostics.report({
      severity: 'warning',
      code: 'interval-length-mismatch',
      message: `ReadingType intervalLength is ${expected} s but readings last ${off.join(', ')}`,
      line: block.line,
      entity: blockName(block),
    });
  }
}
