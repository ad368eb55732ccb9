import { PrimaryColumn } from 'typeorm';

// Every usage table is keyed by (usage_point_id, meter_reading_id, ...) with usage_point_id first, so the tables can
// be distributed and co-located by usage point (Citus) and a usage point's rows sit together in each index. Each
// subclass declares its composite foreign key to meter_reading (usage_point_id, id).
export abstract class MeterReadingKey {
  @PrimaryColumn({ type: 'bigint', name: 'usage_point_id' })
  usagePointId: string;

  @PrimaryColumn({ type: 'bigint', name: 'meter_reading_id' })
  meterReadingId: string;
}
