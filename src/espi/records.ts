import type { ElementTree } from '../xml/element-tree';

/** Records produced by the readers (Atom XML and CSV) and consumed by the linker and the writer. Times are UTC epoch seconds. */

/** The Atom envelope of one entry: where an entity sits in the file and how it points at others. */
export interface EntryInfo {
  id?: string;
  self?: string;
  up?: string;
  related: string[];
  title?: string;
  published?: string;
  updated?: string;
  /** Line of the `<entry>` start tag. */
  line: number;
}

/** [start, start + duration) */
export interface DateTimeInterval {
  start: number;
  duration: number;
}

/** Every ReadingType code field of espi.xsd, in schema order; a CIM 61968-9 codec can reuse them. */
export interface ReadingTypeFields {
  accumulationBehaviour?: number;
  commodity?: number;
  consumptionTier?: number;
  currency?: number;
  dataQualifier?: number;
  defaultQuality?: number;
  flowDirection?: number;
  intervalLength?: number;
  kind?: number;
  phase?: number;
  powerOfTenMultiplier?: number;
  timeAttribute?: number;
  tou?: number;
  uom?: number;
  cpp?: number;
  interharmonic?: { numerator?: number; denominator?: number };
  measuringPeriod?: number;
  argument?: { numerator?: number; denominator?: number };
}

export interface EspiIntervalReading {
  start: number;
  duration: number;
  /** Raw integer in the reading type's unit × 10^powerOfTenMultiplier. */
  value?: number;
  /** Hundred-thousandths of the reading type's currency; the multiplier never applies to it. */
  cost?: number;
  qualities?: number[];
  consumptionTier?: number;
  tou?: number;
  cpp?: number;
  line: number;
}

export interface SummaryMeasurement {
  powerOfTenMultiplier?: number;
  timeStamp?: number;
  uom?: number;
  value?: number;
  readingTypeRef?: string;
}

export interface EspiLineItem {
  amount?: number;
  rounding?: number;
  dateTime?: number;
  note?: string;
  measurement?: SummaryMeasurement;
  itemKind?: number;
  unitCost?: number;
  itemPeriod?: DateTimeInterval;
}

/** The SummaryMeasurement-valued fields shared by UsageSummary and ElectricPowerUsageSummary, in schema order. */
export const SUMMARY_MEASUREMENT_FIELDS = [
  'overallConsumptionLastPeriod',
  'currentBillingPeriodOverAllConsumption',
  'currentDayLastYearNetConsumption',
  'currentDayNetConsumption',
  'currentDayOverallConsumption',
  'peakDemand',
  'previousDayLastYearOverallConsumption',
  'previousDayNetConsumption',
  'previousDayOverallConsumption',
] as const;
export type SummaryMeasurementField = (typeof SUMMARY_MEASUREMENT_FIELDS)[number];

export interface UsageSummaryFields {
  billingPeriod?: DateTimeInterval;
  billLastPeriod?: number;
  billToDate?: number;
  costAdditionalLastPeriod?: number;
  costAdditionalDetailLastPeriod: EspiLineItem[];
  currency?: number;
  measurements: Partial<Record<SummaryMeasurementField, SummaryMeasurement>>;
  qualityOfReading?: number;
  ratchetDemand?: SummaryMeasurement;
  ratchetDemandPeriod?: DateTimeInterval;
  statusTimeStamp?: number;
  commodity?: number;
  tariffProfile?: string;
  readCycle?: string;
}

export interface LocalTimeParametersFields {
  dstEndRule?: number;
  dstOffset?: number;
  dstStartRule?: number;
  tzOffset?: number;
  /** The rules as written, kept so a truncated or malformed rule can be reported and written back unchanged. */
  dstStartRuleText?: string;
  dstEndRuleText?: string;
}

/** A customer-namespace element kept as a tree: the customer schema is wide and the portal needs only a few fields. */
export type XmlElement = ElementTree<XmlElement>;

export type CustomerKindName =
  | 'Customer'
  | 'CustomerAccount'
  | 'CustomerAgreement'
  | 'ServiceLocation'
  | 'ServiceSupplier'
  | 'Meter'
  | 'EndDevice'
  | 'Statement'
  | 'ProgramDateIdMappings';

export type EspiRecord =
  | {
      type: 'UsagePoint';
      entry: EntryInfo;
      serviceKind?: number;
      status?: number;
      roleFlags?: string;
      tariffProfile?: string;
    }
  | { type: 'MeterReading'; entry: EntryInfo }
  | { type: 'ReadingType'; entry: EntryInfo; fields: ReadingTypeFields }
  | { type: 'LocalTimeParameters'; entry: EntryInfo; fields: LocalTimeParametersFields; namespace: 'espi' | 'customer' }
  | { type: 'IntervalBlock'; entry: EntryInfo; block: BlockInfo }
  | { type: 'UsageSummary' | 'ElectricPowerUsageSummary'; entry: EntryInfo; fields: UsageSummaryFields }
  | { type: 'CustomerEntity'; kind: CustomerKindName; entry: EntryInfo; content: XmlElement; usagePointRefs: string[] }
  | { type: 'Readings'; block: BlockInfo; readings: EspiIntervalReading[] };

/**
 * One `<IntervalBlock>` element. Several may share an entry (a real quirk), so the ordinal, not the entry, names it.
 * The object is shared by its reading batches and filled in as the parse goes on; it is complete when its
 * IntervalBlock record is emitted.
 */
export interface BlockInfo {
  ordinal: number;
  entry: EntryInfo;
  interval?: DateTimeInterval;
  readingCount: number;
  line: number;
}
