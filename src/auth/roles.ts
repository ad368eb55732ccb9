export enum Role {
  CUSTOMER = 'CUSTOMER',
  CSR = 'CSR',
  ADMIN = 'ADMIN',
  OPS = 'OPS',
}

export const ROLES: readonly Role[] = Object.values(Role);

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** The signed-in caller. A CUSTOMER principal always names the customer it may see. */
export interface Principal {
  subject: string;
  role: Role;
  /** Global (GraphQL) id of the customer, for CUSTOMER principals. */
  customerId?: string;
}
