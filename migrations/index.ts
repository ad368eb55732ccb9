import { PortalSchema1764300000000 } from './1764300000000-PortalSchema';
import { ExtractWatermark1764400000000 } from './1764400000000-ExtractWatermark';
import { CimMessage1764900000000 } from './1764900000000-CimMessage';

export const migrations = [PortalSchema1764300000000, ExtractWatermark1764400000000, CimMessage1764900000000];
