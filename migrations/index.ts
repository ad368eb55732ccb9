import { PortalSchema1764300000000 } from './1764300000000-PortalSchema';
import { ExtractWatermark1764400000000 } from './1764400000000-ExtractWatermark';
import { IntervalReadingWithoutForeignKey1764500000000 } from './1764500000000-IntervalReadingWithoutForeignKey';
import { UsageDataVersion1764600000000 } from './1764600000000-UsageDataVersion';
import { CimMessage1764900000000 } from './1764900000000-CimMessage';
import { IntervalBlockDigest1765000000000 } from './1765000000000-IntervalBlockDigest';
import { IntervalBlockDigestWithoutForeignKey1765200000000 } from './1765200000000-IntervalBlockDigestWithoutForeignKey';
import { ExtractRuns1765300000000 } from './1765300000000-ExtractRuns';
import { ExtractShards1765400000000 } from './1765400000000-ExtractShards';
import { Tariffs1765500000000 } from './1765500000000-Tariffs';
import { ChangeFeed1765700000000 } from './1765700000000-ChangeFeed';
import { Webhooks1765800000000 } from './1765800000000-Webhooks';
import { Alerts1765900000000 } from './1765900000000-Alerts';
import { LineItemDateTimeOptional1766100000000 } from './1766100000000-LineItemDateTimeOptional';

export const migrations = [
  PortalSchema1764300000000,
  ExtractWatermark1764400000000,
  IntervalReadingWithoutForeignKey1764500000000,
  UsageDataVersion1764600000000,
  CimMessage1764900000000,
  IntervalBlockDigest1765000000000,
  IntervalBlockDigestWithoutForeignKey1765200000000,
  ExtractRuns1765300000000,
  ExtractShards1765400000000,
  Tariffs1765500000000,
  ChangeFeed1765700000000,
  Webhooks1765800000000,
  Alerts1765900000000,
  LineItemDateTimeOptional1766100000000,
];
