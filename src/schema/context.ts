import type { Principal } from '../auth/roles';
import type { Logger } from '../logger';

export interface GraphQLContext {
  requestId: string;
  principal?: Principal;
  logger: Logger;
}
