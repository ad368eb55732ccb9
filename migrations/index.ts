import { PortalSchema1764300000000 } from './1764300000000-PortalSchema';
import { ExtractWatermark1764400000000 } from './1764400000000-ExtractWatermark';
import { UsageDataVersion1764600000000 } from './1764600000000-UsageDataVersion';

export const migrations = [PortalSchema1764300000000, ExtractWatermark1764400000000, UsageDataVersion1764600000000];
