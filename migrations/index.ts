import { PortalSchema1764300000000 } from './1764300000000-PortalSchema';
import { ExtractWatermark1764400000000 } from './1764400000000-ExtractWatermark';
import { IntervalReadingWithoutForeignKey1764500000000 } from './1764500000000-IntervalReadingWithoutForeignKey';

export const migrations = [PortalSchema1764300000000, ExtractWatermark1764400000000, IntervalReadingWithoutForeignKey1764500000000];
