import {
  CustomerAccountEntity,
  CustomerEntity,
  MeterEntity,
  MeterReadingEntity,
  ReadingTypeEntity,
  ServiceLocationEntity,
  UsagePointEntity,
  UsageSummaryEntity,
  UsageSummaryLineItemEntity,
} from '../../entities';
import { entityFields, selectColumns, type EntitySelect, type EntityRow } from '../../entities/columns';

// Rows as the services hand them to the GraphQL layer: the fields of each entity the portal shows, with database ids
// (bigint as strings), and the SELECT lists that read them (`t` is the table alias in every query). Personal fields
// are null when the reader's role may not see them.

const CUSTOMER_FIELDS = entityFields<CustomerEntity>()(['id', 'kind', 'status', 'name', 'email', 'phone']);
export type CustomerRecord = EntityRow<CustomerEntity, typeof CUSTOMER_FIELDS>;
export const CUSTOMER_COLUMNS = selectColumns(CustomerEntity, CUSTOMER_FIELDS);

const ACCOUNT_FIELDS = entityFields<CustomerAccountEntity>()([
  'id',
  'customerId',
  'accountNumber',
  'name',
  'billingCycle',
]);
export type AccountRecord = EntityRow<CustomerAccountEntity, typeof ACCOUNT_FIELDS>;
export const ACCOUNT_COLUMNS = selectColumns(CustomerAccountEntity, ACCOUNT_FIELDS);

const SERVICE_LOCATION_FIELDS = entityFields<ServiceLocationEntity>()([
  'id',
  'streetAddress',
  'streetAddress2',
  'city',
  'stateOrProvince',
  'postalCode',
  'country',
  'timeZone',
]);
export type ServiceLocationRecord = EntityRow<ServiceLocationEntity, typeof SERVICE_LOCATION_FIELDS>;
export const SERVICE_LOCATION_COLUMNS = selectColumns(ServiceLocationEntity, SERVICE_LOCATION_FIELDS);

// timeZone: the IANA zone of local days and months, null meaning UTC. dataVersion: changes in the transaction in which
// the loader changes the point's usage data, a version for whoever keeps answers. tariffProfile: the code of the
// tariff the usage point is on (ESPI ServiceDeliveryPoint tariffProfile), as received.
const USAGE_POINT_FIELDS = entityFields<UsagePointEntity>()([
  'id',
  'customerAccountId',
  'serviceLocationId',
  'serviceCategoryKind',
  'status',
  'name',
  'description',
  'timeZone',
  'dataVersion',
  'tariffProfile',
]);
export type UsagePointRecord = EntityRow<UsagePointEntity, typeof USAGE_POINT_FIELDS>;
export const USAGE_POINT_COLUMNS = selectColumns(UsagePointEntity, USAGE_POINT_FIELDS);

const METER_FIELDS = entityFields<MeterEntity>()([
  'id',
  'usagePointId',
  'serialNumber',
  'formNumber',
  'intervalLength',
]);
export type MeterRecord = EntityRow<MeterEntity, typeof METER_FIELDS>;
export const METER_COLUMNS = selectColumns(MeterEntity, METER_FIELDS);

const READING_TYPE_FIELDS = entityFields<ReadingTypeEntity>()([
  'id',
  'uom',
  'powerOfTenMultiplier',
  'flowDirection',
  'intervalLength',
  'commodity',
  'accumulationBehaviour',
  'kind',
  'currency',
  'tou',
]);
export type ReadingTypeRecord = EntityRow<ReadingTypeEntity, typeof READING_TYPE_FIELDS>;
export const READING_TYPE_COLUMNS = selectColumns(ReadingTypeEntity, READING_TYPE_FIELDS);

const METER_READING_FIELDS = entityFields<MeterReadingEntity>()(['id', 'usagePointId', 'readingTypeId']);
export type MeterReadingRecord = EntityRow<MeterReadingEntity, typeof METER_READING_FIELDS>;
export const METER_READING_COLUMNS = selectColumns(MeterReadingEntity, METER_READING_FIELDS);

const USAGE_SUMMARY_FIELDS = entityFields<UsageSummaryEntity>()([
  'id',
  'usagePointId',
  'billingPeriodStart',
  'billingPeriodDuration',
  'billLastPeriod',
  'billToDate',
  'costAdditionalLastPeriod',
  'currency',
  'overallConsumptionLastPeriodValue',
  'overallConsumptionLastPeriodMultiplier',
  'overallConsumptionLastPeriodUom',
  'currentBillingPeriodOverAllConsumptionValue',
  'currentBillingPeriodOverAllConsumptionMultiplier',
  'currentBillingPeriodOverAllConsumptionUom',
  'qualityOfReading',
  'statusTimeStamp',
  'commodity',
  'readCycle',
  'tariffProfile',
]);
export type UsageSummaryRecord = EntityRow<UsageSummaryEntity, typeof USAGE_SUMMARY_FIELDS>;
export const USAGE_SUMMARY_COLUMNS = selectColumns(UsageSummaryEntity, USAGE_SUMMARY_FIELDS);

const LINE_ITEM_FIELDS = entityFields<UsageSummaryLineItemEntity>()([
  'id',
  'usageSummaryId',
  'amount',
  'rounding',
  'unitCost',
  'measurementValue',
  'measurementMultiplier',
  'measurementUom',
  'dateTime',
  'itemPeriodStart',
  'itemPeriodDuration',
  'itemKind',
  'note',
]);
export type LineItemRecord = EntityRow<UsageSummaryLineItemEntity, typeof LINE_ITEM_FIELDS>;
export const LINE_ITEM_COLUMNS = selectColumns(UsageSummaryLineItemEntity, LINE_ITEM_FIELDS);

/** Every SELECT list above with the entity it reads, for the test that runs each on the migrated table. */
export const CUSTOMER_DIRECTORY_SELECTS: readonly EntitySelect[] = [
  { entity: CustomerEntity, columns: CUSTOMER_COLUMNS },
  { entity: CustomerAccountEntity, columns: ACCOUNT_COLUMNS },
  { entity: ServiceLocationEntity, columns: SERVICE_LOCATION_COLUMNS },
  { entity: UsagePointEntity, columns: USAGE_POINT_COLUMNS },
  { entity: MeterEntity, columns: METER_COLUMNS },
  { entity: ReadingTypeEntity, columns: READING_TYPE_COLUMNS },
  { entity: MeterReadingEntity, columns: METER_READING_COLUMNS },
  { entity: UsageSummaryEntity, columns: USAGE_SUMMARY_COLUMNS },
  { entity: UsageSummaryLineItemEntity, columns: LINE_ITEM_COLUMNS },
];
