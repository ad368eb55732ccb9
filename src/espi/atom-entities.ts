import {
  localTimeFields,
  LTP_ELEMENTS,
  READING_TYPE_ELEMENTS,
  readingTypeFields,
  USAGE_POINT_ELEMENTS,
  USAGE_SUMMARY_ELEMENTS,
  usageSummaryFields,
  usagePointFields,
  usagePointRefs,
} from './entity-fields';
import { CUSTOMER_NS, ESPI_NS } from './namespaces';
import { CustomerKindName, EntryInfo, EspiRecord, XmlElement } from './records';

const CUSTOMER_KINDS: ReadonlySet<string> = new Set<CustomerKindName>([
  'Customer',
  'CustomerAccount',
  'CustomerAgreement',
  'ServiceLocation',
  'ServiceSupplier',
  'Meter',
  'EndDevice',
  'Statement',
  'ProgramDateIdMappings',
]);

/** Resources the portal has no use for; read past without a warning because they are legitimate ESPI. */
const IGNORED_RESOURCES = new Set([
  'ElectricPowerQualitySummary',
  'ApplicationInformation',
  'Authorization',
  'Subscription',
  'BatchList',
  'ServiceStatus',
  'ProgramIdMappings',
]);

/** What an entry's resource says, read from its content kept as a tree. */
export interface EntityReading {
  record?: EspiRecord;
  /** Elements the portal does not know (the resource itself, or children of a known one): warned about once each. */
  unknown: string[];
  /** Fields that are not integers where ESPI requires one. */
  problems: string[];
}

export function readEntity(kind: string, ns: string, root: XmlElement, entry: EntryInfo): EntityReading {
  const unknown: string[] = [];
  const problems: string[] = [];
  let record: EspiRecord | undefined;
  const known = (names: string[]) => {
    for (const c of root.children) if (!names.includes(c.name)) unknown.push(`${root.name}/${c.name}`);
  };
  if (ns === ESPI_NS && kind === 'UsagePoint') {
    known(USAGE_POINT_ELEMENTS);
    record = { type: 'UsagePoint', entry, ...usagePointFields(root, problems) };
  } else if (ns === ESPI_NS && kind === 'MeterReading') {
    record = { type: 'MeterReading', entry };
  } else if (ns === ESPI_NS && kind === 'ReadingType') {
    known(READING_TYPE_ELEMENTS);
    record = { type: 'ReadingType', entry, fields: readingTypeFields(root, problems) };
  } else if ((ns === ESPI_NS || ns === CUSTOMER_NS) && kind === 'LocalTimeParameters') {
    known(LTP_ELEMENTS);
    const fields = localTimeFields(root, problems);
    record = { type: 'LocalTimeParameters', entry, fields, namespace: ns === ESPI_NS ? 'espi' : 'customer' };
  } else if (ns === ESPI_NS && (kind === 'UsageSummary' || kind === 'ElectricPowerUsageSummary')) {
    known(USAGE_SUMMARY_ELEMENTS);
    record = { type: kind, entry, fields: usageSummaryFields(root, problems) };
  } else if (ns === CUSTOMER_NS && CUSTOMER_KINDS.has(kind)) {
    record = {
      type: 'CustomerEntity',
      kind: kind as CustomerKindName,
      entry,
      content: root,
      usagePointRefs: usagePointRefs(root),
    };
  } else if (!IGNORED_RESOURCES.has(kind)) {
    unknown.push(kind);
  }
  return { record, unknown, problems };
}
