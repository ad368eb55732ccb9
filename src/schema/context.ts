import type { Principal } from '../auth/roles';
import type { Logger } from '../logger';
import type { RequestServices } from '../services/request-services';

export interface GraphQLContext {
  requestId: string;
  principal?: Principal;
  logger: Logger;
  /** The client's address (behind trusted proxies, the forwarded one), for budgets of requests without a token. */
  clientAddress: string;
  /** Data access for this request, scoped to the principal, with per-request DataLoaders. */
  services: RequestServices;
}
