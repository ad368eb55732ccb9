import { Role, type Principal } from '../../auth/roles';
import { ForbiddenError, UnauthenticatedError, type DomainError } from '../errors';

/**
 * Every rule of who may do what, by role: GraphQL resolvers' services, ESPI REST, /cim, /metrics and the admin pages
 * all ask here and compare no roles themselves. Which rows a role reads (a CUSTOMER only its own customer's) is
 * AccessScope's. The README's table of roles is this one: keep them alike.
 */
export const PERMISSIONS = {
  readOperations: { roles: [Role.OPS, Role.ADMIN], action: 'read queues, jobs, imports and metrics' },
  controlQueues: { roles: [Role.ADMIN], action: 'change queues and jobs' },
  readStackTraces: { roles: [Role.ADMIN], action: 'read the stack traces of failed jobs' },
  startImports: { roles: [Role.ADMIN], action: 'start imports and extracts' },
  uploadToInbox: { roles: [Role.ADMIN], action: 'upload files to the inbox' },
  // A push loads data: for those who may start imports (through the queues they run).
  pushCim: { roles: [Role.OPS, Role.ADMIN], action: 'push MeterReadings' },
  // A get reads any usage point, as these roles do through GraphQL; a customer uses GraphQL.
  getCim: { roles: [Role.CSR, Role.OPS, Role.ADMIN], action: 'get MeterReadings' },
  useAdminPages: { roles: [Role.OPS, Role.ADMIN], action: 'use the admin pages' },
  // A customer its own usage points' (the scope's), customer service and ADMIN any customer's on its behalf.
  manageAlertRules: { roles: [Role.CUSTOMER, Role.CSR, Role.ADMIN], action: 'create and delete alert rules' },
  readWebhooks: { roles: [Role.OPS, Role.ADMIN], action: 'read webhook endpoints and their delivery log' },
  manageWebhooks: {
    roles: [Role.ADMIN],
    action: 'register, disable and rotate webhook endpoints and replay deliveries',
  },
  readPersonalData: {
    roles: [Role.CUSTOMER, Role.CSR, Role.ADMIN],
    action: 'read names, contacts, account numbers and addresses',
  },
} as const satisfies Record<string, { roles: readonly Role[]; action: string }>;

export type Permission = keyof typeof PERMISSIONS;

export function allows(principal: Pick<Principal, 'role'> | undefined, permission: Permission): boolean {
  return principal !== undefined && (PERMISSIONS[permission].roles as readonly Role[]).includes(principal.role);
}

/** Why `allows` said no: UNAUTHENTICATED without a principal, else FORBIDDEN naming the roles that may. */
export function refusalOf(principal: Pick<Principal, 'role'> | undefined, permission: Permission): DomainError {
  if (!principal) return new UnauthenticatedError();
  const { roles, action } = PERMISSIONS[permission];
  const who = roles.length === 1 ? `an ${roles[0]}` : `${roles.slice(0, -1).join(', ')} and ${roles[roles.length - 1]}`;
  return new ForbiddenError(`Only ${who} may ${action}`);
}

export function assertAllowed(
  principal: Principal | undefined,
  permission: Permission,
): asserts principal is Principal {
  if (!allows(principal, permission)) throw refusalOf(principal, permission);
}
