import { childOf, childrenOf, dropUndefined, textOf } from '../xml/element-tree';
import { parseHexBinary, parseInteger } from './numbers';
import {
  DateTimeInterval,
  EspiLineItem,
  LocalTimeParametersFields,
  ReadingTypeFields,
  SUMMARY_MEASUREMENT_FIELDS,
  SummaryMeasurement,
  UsageSummaryFields,
  XmlElement,
} from './records';

/** Converters from an entity's element tree to typed fields. Each lists the element names it knows, in schema order. */

export const READING_TYPE_NUMBERS = [
  'accumulationBehaviour',
  'commodity',
  'consumptionTier',
  'currency',
  'dataQualifier',
  'defaultQuality',
  'flowDirection',
  'intervalLength',
  'kind',
  'phase',
  'powerOfTenMultiplier',
  'timeAttribute',
  'tou',
  'uom',
  'cpp',
] as const;
export const READING_TYPE_ELEMENTS = [...READING_TYPE_NUMBERS, 'interharmonic', 'measuringPeriod', 'argument'];

export function readingTypeFields(el: XmlElement, problems: string[]): ReadingTypeFields {
  const f: ReadingTypeFields = {};
  for (const name of READING_TYPE_NUMBERS) {
    const v = intOf(el, name, problems);
    if (v !== undefined) f[name] = v;
  }
  const ratio = (name: string) => {
    const r = childOf(el, name);
    return r && { numerator: intOf(r, 'numerator', problems), denominator: intOf(r, 'denominator', problems) };
  };
  const interharmonic = ratio('interharmonic');
  if (interharmonic) f.interharmonic = interharmonic;
  const measuringPeriod = intOf(el, 'measuringPeriod', problems);
  if (measuringPeriod !== undefined) f.measuringPeriod = measuringPeriod;
  const argument = ratio('argument');
  if (argument) f.argument = argument;
  return f;
}

export const USAGE_POINT_ELEMENTS = ['roleFlags', 'ServiceCategory', 'status', 'serviceDeliveryPoint'];

export function usagePointFields(el: XmlElement, problems: string[]) {
  return dropUndefined({
    roleFlags: textOf(el, 'roleFlags'),
    serviceKind: intOf(childOf(el, 'ServiceCategory'), 'kind', problems),
    status: intOf(el, 'status', problems),
    // The tariff the usage point is billed on (ServiceDeliveryPoint, an ESPI extension).
    tariffProfile: textOf(childOf(el, 'serviceDeliveryPoint'), 'tariffProfile'),
  });
}

export const LTP_ELEMENTS = ['dstEndRule', 'dstOffset', 'dstStartRule', 'tzOffset'];

export function localTimeFields(el: XmlElement, problems: string[]): LocalTimeParametersFields {
  const rule = (name: string) => {
    const t = textOf(el, name);
    // DstRuleType is 4 octets: fewer digits are a truncated rule (the linker then falls back, with a warning).
    const parsed = t === undefined ? undefined : parseHexBinary(t);
    return { text: t, value: parsed?.digits === 8 ? parsed.value : undefined };
  };
  const start = rule('dstStartRule');
  const end = rule('dstEndRule');
  return dropUndefined({
    dstEndRule: end.value,
    dstEndRuleText: end.text,
    dstOffset: intOf(el, 'dstOffset', problems),
    dstStartRule: start.value,
    dstStartRuleText: start.text,
    tzOffset: intOf(el, 'tzOffset', problems),
  });
}

function intervalOf(el: XmlElement | undefined, problems: string[]): DateTimeInterval | undefined {
  if (!el) return undefined;
  const start = intOf(el, 'start', problems);
  const duration = intOf(el, 'duration', problems);
  if (start === undefined || duration === undefined) {
    problems.push(`${el.name} without start and duration`);
    return undefined;
  }
  return { start, duration };
}

function measurementOf(el: XmlElement | undefined, problems: string[]): SummaryMeasurement | undefined {
  if (!el) return undefined;
  const m: SummaryMeasurement = {
    powerOfTenMultiplier: intOf(el, 'powerOfTenMultiplier', problems),
    timeStamp: intOf(el, 'timeStamp', problems),
    uom: intOf(el, 'uom', problems),
    value: intOf(el, 'value', problems),
    readingTypeRef: textOf(el, 'readingTypeRef'),
  };
  return dropUndefined(m);
}

function lineItemOf(el: XmlElement, problems: string[]): EspiLineItem {
  return dropUndefined({
    amount: intOf(el, 'amount', problems),
    rounding: intOf(el, 'rounding', problems),
    dateTime: intOf(el, 'dateTime', problems),
    note: textOf(el, 'note'),
    measurement: measurementOf(childOf(el, 'measurement'), problems),
    itemKind: intOf(el, 'itemKind', problems),
    unitCost: intOf(el, 'unitCost', problems),
    itemPeriod: intervalOf(childOf(el, 'itemPeriod'), problems),
  });
}

export const USAGE_SUMMARY_ELEMENTS = [
  'billingPeriod',
  'billLastPeriod',
  'billToDate',
  'costAdditionalLastPeriod',
  'costAdditionalDetailLastPeriod',
  'currency',
  ...SUMMARY_MEASUREMENT_FIELDS,
  'qualityOfReading',
  'ratchetDemand',
  'ratchetDemandPeriod',
  'statusTimeStamp',
  'commodity',
  'tariffProfile',
  'readCycle',
];

export function usageSummaryFields(el: XmlElement, problems: string[]): UsageSummaryFields {
  const measurements: UsageSummaryFields['measurements'] = {};
  for (const name of SUMMARY_MEASUREMENT_FIELDS) {
    const m = measurementOf(childOf(el, name), problems);
    if (m) measurements[name] = m;
  }
  return dropUndefined({
    billingPeriod: intervalOf(childOf(el, 'billingPeriod'), problems),
    billLastPeriod: intOf(el, 'billLastPeriod', problems),
    billToDate: intOf(el, 'billToDate', problems),
    costAdditionalLastPeriod: intOf(el, 'costAdditionalLastPeriod', problems),
    costAdditionalDetailLastPeriod: childrenOf(el, 'costAdditionalDetailLastPeriod').map((li) =>
      lineItemOf(li, problems),
    ),
    currency: intOf(el, 'currency', problems),
    measurements,
    qualityOfReading: intOf(el, 'qualityOfReading', problems),
    ratchetDemand: measurementOf(childOf(el, 'ratchetDemand'), problems),
    ratchetDemandPeriod: intervalOf(childOf(el, 'ratchetDemandPeriod'), problems),
    statusTimeStamp: intOf(el, 'statusTimeStamp', problems),
    commodity: intOf(el, 'commodity', problems),
    tariffProfile: textOf(el, 'tariffProfile'),
    readCycle: textOf(el, 'readCycle'),
  });
}

/** The usage points a customer entity names (a ServiceLocation's UsagePoints), wherever they nest. */
export function usagePointRefs(root: XmlElement): string[] {
  const refs: string[] = [];
  const visit = (el: XmlElement) => {
    for (const c of el.children) {
      if (c.name === 'UsagePoints') {
        for (const r of c.children) if (r.text?.trim()) refs.push(r.text.trim());
        if (c.text?.trim()) refs.push(c.text.trim());
      } else visit(c);
    }
  };
  visit(root);
  return refs;
}

/** A numeric field: undefined when absent; `problems` collects the names of fields present but not integers. */
function intOf(el: XmlElement | undefined, name: string, problems: string[]): number | undefined {
  const t = textOf(el, name);
  if (t === undefined) return undefined;
  const n = parseInteger(t);
  if (n === undefined) problems.push(`${name}="${t.slice(0, 40)}"`);
  return n;
}
