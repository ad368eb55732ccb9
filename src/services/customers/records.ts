// Rows as the services hand them to the GraphQL layer: plain data with database ids (bigint as strings). Personal
// fields are null when the reader's role may not see them.

export interface CustomerRecord {
  id: string;
  kind: string | null;
  status: string | null;
  name: string | null;
  email: string | null;
  phone: string | null;
}

export interface AccountRecord {
  id: string;
  customerId: string;
  accountNumber: string | null;
  name: string | null;
  billingCycle: string | null;
}

export interface ServiceLocationRecord {
  id: string;
  streetAddress: string | null;
  streetAddress2: string | null;
  city: string | null;
  stateOrProvince: string | null;
  postalCode: string | null;
  country: string | null;
  timeZone: string | null;
}

export interface UsagePointRecord {
  id: string;
  customerAccountId: string | null;
  serviceLocationId: string | null;
  serviceCategoryKind: number;
  status: number | null;
  name: string | null;
  description: string | null;
  /** IANA zone of local days and months; null means UTC. */
  timeZone: string | null;
  /** Changes in the transaction in which the loader changes the point's usage data: a version for whoever keeps answers. */
  dataVersion: string;
  /** Code of the tariff the usage point is on (ESPI ServiceDeliveryPoint tariffProfile), as received. */
  tariffProfile: string | null;
}

export interface MeterRecord {
  id: string;
  usagePointId: string | null;
  serialNumber: string | null;
  formNumber: string | null;
  intervalLength: number | null;
}

export interface ReadingTypeRecord {
  id: string;
  uom: number | null;
  powerOfTenMultiplier: number | null;
  flowDirection: number | null;
  intervalLength: number | null;
  commodity: number | null;
  accumulationBehaviour: number | null;
  kind: number | null;
  currency: number | null;
  tou: number | null;
}

export interface MeterReadingRecord {
  id: string;
  usagePointId: string;
  readingTypeId: string;
}

export interface UsageSummaryRecord {
  id: string;
  usagePointId: string;
  billingPeriodStart: Date;
  billingPeriodDuration: number;
  billLastPeriod: string | null;
  billToDate: string | null;
  costAdditionalLastPeriod: string | null;
  currency: number | null;
  overallConsumptionLastPeriodValue: string | null;
  overallConsumptionLastPeriodMultiplier: number | null;
  overallConsumptionLastPeriodUom: number | null;
  currentBillingPeriodOverAllConsumptionValue: string | null;
  currentBillingPeriodOverAllConsumptionMultiplier: number | null;
  currentBillingPeriodOverAllConsumptionUom: number | null;
  qualityOfReading: number | null;
  statusTimeStamp: Date | null;
  commodity: number | null;
  readCycle: string | null;
  tariffProfile: string | null;
}

export interface LineItemRecord {
  id: string;
  usageSummaryId: string;
  amount: string;
  rounding: string | null;
  unitCost: string | null;
  measurementValue: string | null;
  measurementMultiplier: number | null;
  measurementUom: number | null;
  dateTime: Date;
  itemPeriodStart: Date | null;
  itemPeriodDuration: number | null;
  itemKind: number | null;
  note: string | null;
}
