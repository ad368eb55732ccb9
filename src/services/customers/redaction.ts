import type { AccessScope } from '../access/access-scope';
import type { AccountRecord, CustomerRecord, ServiceLocationRecord, UsagePointRecord } from './records';

/**
 * The personal fields of each kind of record: what OPS does not see, wherever they leave the service (GraphQL, ESPI
 * REST, downloads, CIM replies). Usage point names and descriptions are included because utilities often put the
 * service address there ("123 Main St – rear meter"). Every reader names its fields as the records do.
 */
export const PERSONAL_FIELDS = {
  customer: ['name', 'email', 'phone'],
  account: ['accountNumber', 'name'],
  serviceLocation: ['streetAddress', 'streetAddress2', 'city', 'stateOrProvince', 'postalCode'],
  usagePoint: ['name', 'description'],
} as const;

export type PersonalKind = keyof typeof PERSONAL_FIELDS;

/** The row with its personal fields (those of `kind` it has) set to null. */
export function withoutPersonalData<T extends object>(kind: PersonalKind, row: T): T {
  const copy = { ...row } as Record<string, unknown>;
  for (const field of PERSONAL_FIELDS[kind]) if (field in copy) copy[field] = null;
  return copy as T;
}

/** The row as the scope may see it. */
export function personalDataFor<T extends object>(scope: AccessScope, kind: PersonalKind, row: T): T {
  return scope.seesPersonalData ? row : withoutPersonalData(kind, row);
}

export const redactCustomer = (row: CustomerRecord): CustomerRecord => withoutPersonalData('customer', row);
export const redactAccount = (row: AccountRecord): AccountRecord => withoutPersonalData('account', row);
export const redactServiceLocation = (row: ServiceLocationRecord): ServiceLocationRecord =>
  withoutPersonalData('serviceLocation', row);
export const redactUsagePoint = (row: UsagePointRecord): UsagePointRecord => withoutPersonalData('usagePoint', row);
