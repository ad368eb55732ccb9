import type { AccountRecord, CustomerRecord, ServiceLocationRecord, UsagePointRecord } from './records';

// What OPS does not see. Usage point names and descriptions are included because utilities often put the service
// address there ("123 Main St – rear meter").

export function redactCustomer(row: CustomerRecord): CustomerRecord {
  return { ...row, name: null, email: null, phone: null };
}

export function redactAccount(row: AccountRecord): AccountRecord {
  return { ...row, accountNumber: null, name: null };
}

export function redactServiceLocation(row: ServiceLocationRecord): ServiceLocationRecord {
  return { ...row, streetAddress: null, streetAddress2: null, city: null, stateOrProvince: null, postalCode: null };
}

export function redactUsagePoint(row: UsagePointRecord): UsagePointRecord {
  return { ...row, name: null, description: null };
}
