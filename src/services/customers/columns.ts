// SELECT lists that alias columns to the record fields (records.ts). `t` is the table alias in every query.

export const CUSTOMER_COLUMNS = `t.id::text AS id, t.kind, t.status, t.name, t.email, t.phone`;

export const ACCOUNT_COLUMNS = `t.id::text AS id, t.customer_id::text AS "customerId", t.account_number AS "accountNumber",
  t.name, t.billing_cycle AS "billingCycle"`;

export const SERVICE_LOCATION_COLUMNS = `t.id::text AS id, t.street_address AS "streetAddress",
  t.street_address2 AS "streetAddress2", t.city, t.state_or_province AS "stateOrProvince", t.postal_code AS "postalCode",
  t.country, t.time_zone AS "timeZone"`;

export const USAGE_POINT_COLUMNS = `t.id::text AS id, t.customer_account_id::text AS "customerAccountId",
  t.service_location_id::text AS "serviceLocationId", t.service_category_kind AS "serviceCategoryKind", t.status,
  t.name, t.description, t.time_zone AS "timeZone", t.data_version::text AS "dataVersion", t.tariff_profile AS "tariffProfile"`;

export const METER_COLUMNS = `t.id::text AS id, t.usage_point_id::text AS "usagePointId", t.serial_number AS "serialNumber",
  t.form_number AS "formNumber", t.interval_length AS "intervalLength"`;

export const READING_TYPE_COLUMNS = `t.id::text AS id, t.uom, t.power_of_ten_multiplier AS "powerOfTenMultiplier",
  t.flow_direction AS "flowDirection", t.interval_length AS "intervalLength", t.commodity,
  t.accumulation_behaviour AS "accumulationBehaviour", t.kind, t.currency, t.tou`;

export const METER_READING_COLUMNS = `t.id::text AS id, t.usage_point_id::text AS "usagePointId",
  t.reading_type_id::text AS "readingTypeId"`;

export const USAGE_SUMMARY_COLUMNS = `t.id::text AS id, t.usage_point_id::text AS "usagePointId",
  t.billing_period_start AS "billingPeriodStart", t.billing_period_duration AS "billingPeriodDuration",
  t.bill_last_period::text AS "billLastPeriod", t.bill_to_date::text AS "billToDate",
  t.cost_additional_last_period::text AS "costAdditionalLastPeriod", t.currency,
  t.overall_consumption_last_period_value::text AS "overallConsumptionLastPeriodValue",
  t.overall_consumption_last_period_multiplier AS "overallConsumptionLastPeriodMultiplier",
  t.overall_consumption_last_period_uom AS "overallConsumptionLastPeriodUom",
  t.current_billing_period_over_all_consumption_value::text AS "currentBillingPeriodOverAllConsumptionValue",
  t.current_billing_period_over_all_consumption_multiplier AS "currentBillingPeriodOverAllConsumptionMultiplier",
  t.current_billing_period_over_all_consumption_uom AS "currentBillingPeriodOverAllConsumptionUom",
  t.quality_of_reading AS "qualityOfReading", t.status_time_stamp AS "statusTimeStamp", t.commodity,
  t.read_cycle AS "readCycle", t.tariff_profile AS "tariffProfile"`;

export const LINE_ITEM_COLUMNS = `t.id::text AS id, t.usage_summary_id::text AS "usageSummaryId", t.amount::text AS amount,
  t.rounding::text AS rounding, t.unit_cost::text AS "unitCost", t.measurement_value::text AS "measurementValue",
  t.measurement_multiplier AS "measurementMultiplier", t.measurement_uom AS "measurementUom", t.date_time AS "dateTime",
  t.item_period_start AS "itemPeriodStart", t.item_period_duration AS "itemPeriodDuration", t.item_kind AS "itemKind",
  t.note`;
