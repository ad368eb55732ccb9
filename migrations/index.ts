import { PortalSchema1764300000000 } from './1764300000000-PortalSchema';

export const migrations = [PortalSchema1764300000000];
