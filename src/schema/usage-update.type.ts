import { Field, ID, Int, ObjectType } from 'type-graphql';
import { toGlobalId } from '../services/access/global-id';
import type { UsageUpdateRecord } from '../services/events/usage-updates';

@ObjectType({
  description:
    "A committed load or correction of one usage point's readings, as pushed to its subscribers (`usageUpdated`).",
})
export class UsageUpdate {
  @Field(() => ID, { description: 'Global id of the usage point.' })
  usagePointId: string;

  @Field(() => ID, {
    nullable: true,
    description:
      'Global id of the ImportBatch that made the change (readable by OPS and ADMIN); null when no batch is recorded.',
  })
  batchId: string | null;

  @Field(() => Date, { description: 'When the change committed.' })
  committedAt: Date;

  @Field(() => Date, {
    description: 'Start of the first local day the change wrote readings in (the usage point time zone).',
  })
  from: Date;

  @Field(() => Date, { description: 'End, exclusive, of the last local day the change wrote readings in.' })
  to: Date;

  @Field(() => Int, { description: 'Readings that were new.' })
  inserted: number;

  @Field(() => Int, { description: 'Stored readings whose value, cost or quality changed.' })
  revised: number;

  static from(record: UsageUpdateRecord): UsageUpdate {
    const { committedAt, from, to, inserted, revised } = record;
    const batchId = record.batchId === null ? null : toGlobalId('ImportBatch', record.batchId);
    return Object.assign(new UsageUpdate(), {
      usagePointId: toGlobalId('UsagePoint', record.usagePointKey),
      batchId,
      committedAt,
      from,
      to,
      inserted,
      revised,
    });
  }
}
