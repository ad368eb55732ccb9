import { BlockOwners } from './block-owners';
import { BlockSpill } from './block-spill';
import { LinkDiagnostics } from './link-diagnostics';
import type { EntryRecord, EspiCustomerRecord, LinkedFeed, LinkOptions, RecordOf } from './linked-feed';
import { ReadingChecks } from './reading-checks';
import { SelfLinks } from './self-links';

/** Blocks finished before the end of the file wait as compact rows, in memory up to 1 MiB and then on disk. */
const SPILL_MEMORY_BYTES = 1 << 20;

/**
 * What the linker holds while the file streams: the entries' records (small), each finished block as a row in a
 * `BlockSpill`, the checks on the readings of the blocks still streaming, and the findings so far.
 */
export class LinkState {
  readonly usagePoints: RecordOf<'UsagePoint'>[] = [];
  readonly meterReadings: RecordOf<'MeterReading'>[] = [];
  readonly readingTypes: RecordOf<'ReadingType'>[] = [];
  readonly ltps: RecordOf<'LocalTimeParameters'>[] = [];
  readonly summaries: RecordOf<'UsageSummary' | 'ElectricPowerUsageSummary'>[] = [];
  readonly customers: EspiCustomerRecord[] = [];
  readonly spill: BlockSpill;
  readonly diagnostics: LinkDiagnostics;
  readonly readings: ReadingChecks;
  private readonly selfLinks: SelfLinks;

  constructor(readonly options: LinkOptions) {
    this.spill = new BlockSpill(options.spillMemoryBytes ?? SPILL_MEMORY_BYTES, options.tempDir);
    this.diagnostics = new LinkDiagnostics(options.maxDiagnosticsPerCode);
    this.readings = new ReadingChecks(this.diagnostics);
    this.selfLinks = new SelfLinks(this.diagnostics);
  }

  close() {
    this.spill.close();
  }

  add(r: EntryRecord) {
    if (this.selfLinks.repeats(r)) return;
    switch (r.type) {
      case 'UsagePoint':
        return void this.usagePoints.push(r);
      case 'MeterReading':
        return void this.meterReadings.push(r);
      case 'ReadingType':
        return void this.readingTypes.push(r);
      case 'LocalTimeParameters':
        return void this.ltps.push(r);
      case 'UsageSummary':
      case 'ElectricPowerUsageSummary':
        return void this.summaries.push(r);
      case 'CustomerEntity':
        return void this.customers.push(r);
      case 'IntervalBlock':
        return void this.spill.write(this.readings.close(r.block));
    }
  }

  /** The feed of a file rejected whole: nothing linked, the findings and what was held. */
  rejectedFeed(): LinkedFeed {
    return { ...this.emptyFeed(), fileRejected: true };
  }

  /** A feed with nothing linked yet: the findings so far and what was held. */
  emptyFeed(): LinkedFeed {
    return {
      source: this.options.source,
      usagePoints: [],
      meterReadings: [],
      summaries: [],
      customers: [],
      serviceLocationUsagePoints: [],
      localTimeParameters: [],
      unusedReadingTypes: [],
      blockOwner: new BlockOwners(),
      pending: {
        spilledBlocks: this.spill.count,
        spilledBytes: this.spill.bytes,
        spilledToDisk: this.spill.onDisk,
        peakOpenBlocks: this.readings.peakOpenBlocks,
        blockHrefsHeld: this.selfLinks.blockHrefsHeld,
      },
      diagnostics: this.diagnostics.kept,
      errorCount: this.diagnostics.errorCount,
      warningCount: this.diagnostics.warningCount,
      fileRejected: false,
    };
  }
}
