import { Role, type Principal } from '../../auth/roles';
import { UnauthenticatedError } from '../errors';
import { allows } from './permissions';
import { idOf } from './global-id';

/**
 * What one request may read, derived from its principal. Every service query goes through `where*` here, so a
 * CUSTOMER is limited to its own customer in SQL on every path (lists, nested fields, node(id:)), not by resolvers.
 */
export class AccessScope {
  private constructor(
    readonly role: Role,
    /** Database id of the only customer visible; null for roles that see all customers. */
    private readonly ownCustomer: string | null,
  ) {}

  /** Throws UNAUTHENTICATED without a principal: no customer data is public. */
  static of(principal: Principal | undefined): AccessScope {
    if (!principal) throw new UnauthenticatedError();
    if (principal.role !== Role.CUSTOMER) return new AccessScope(principal.role, null);
    // A CUSTOMER token naming no valid customer id sees nothing: '0' matches no identity column.
    return new AccessScope(principal.role, (principal.customerId && idOf(principal.customerId, 'Customer')) || '0');
  }

  /** OPS runs queues and imports and must not see names, contact details, account numbers or addresses. */
  get seesPersonalData(): boolean {
    return allows(this, 'readPersonalData');
  }

  /** A CUSTOMER's scope: one customer's rows, where staff see every customer's. */
  get limitedToOneCustomer(): boolean {
    return this.ownCustomer !== null;
  }

  /** SQL condition limiting customer rows aliased `alias`; pushes its parameter onto `params`. */
  whereCustomer(alias: string, params: unknown[]): string {
    if (this.ownCustomer === null) return 'true';
    params.push(this.ownCustomer);
    return `${alias}.id = $${params.length}`;
  }

  whereAccount(alias: string, params: unknown[]): string {
    if (this.ownCustomer === null) return 'true';
    params.push(this.ownCustomer);
    return `${alias}.customer_id = $${params.length}`;
  }

  /** Usage points without an account (loaded before the customer feed) are visible to staff roles only. */
  whereUsagePoint(alias: string, params: unknown[]): string {
    if (this.ownCustomer === null) return 'true';
    params.push(this.ownCustomer);
    return `EXISTS (SELECT 1 FROM customer_account scope_ca WHERE scope_ca.id = ${alias}.customer_account_id AND scope_ca.customer_id = $${params.length})`;
  }

  /** For rows that hang off a usage point through `usage_point_id` (meters, readings, summaries, locations). */
  whereUsagePointId(column: string, params: unknown[]): string {
    if (this.ownCustomer === null) return 'true';
    return `EXISTS (SELECT 1 FROM usage_point scope_up WHERE scope_up.id = ${column} AND ${this.whereUsagePoint('scope_up', params)})`;
  }
}
