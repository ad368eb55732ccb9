import { Field, ID, Int, ObjectType } from 'type-graphql';
import { toGlobalId } from '../services/access/global-id';
import type { UsageChangeRecord } from '../services/events/change-feed';
import { DateTimeScalar } from './date-time.scalar';
import { Node } from './node.interface';

@ObjectType({
  implements: Node,
  description:
    'A committed load or correction that wrote readings of a usage point: when, which batch, the local days it wrote, and how many readings were new or revised.',
})
export class UsageChange extends Node {
  key: string;
  usagePointKey: string;

  @Field(() => ID, {
    nullable: true,
    description: 'Global id of the ImportBatch that wrote it (readable by OPS and ADMIN); null when the batch is gone.',
  })
  batchId: string | null;

  @Field(() => DateTimeScalar, {
    description:
      'When the load wrote this change, a moment before it committed. Changes of a usage point are listed in commit order.',
  })
  committedAt: Date;

  @Field(() => DateTimeScalar, { description: "Start of the first local day written (the usage point's zone)." })
  from: Date;

  @Field(() => DateTimeScalar, {
    description: 'End of the last local day written: re-read [from, to) to pick up the change.',
  })
  to: Date;

  @Field({ description: 'First local day written, YYYY-MM-DD.' })
  firstDay: string;

  @Field({ description: 'Last local day written, YYYY-MM-DD.' })
  lastDay: string;

  @Field(() => Int, { description: 'Readings stored for the first time.' })
  inserted: number;

  @Field(() => Int, {
    description:
      'Stored readings rewritten with other values (those with a changed value, cost or quality are listed in `revisions`).',
  })
  revised: number;

  static from(record: UsageChangeRecord): UsageChange {
    return Object.assign(new UsageChange(), {
      id: toGlobalId('UsageChange', record.id),
      key: record.id,
      usagePointKey: record.usagePointId,
      batchId: record.batchId === null ? null : toGlobalId('ImportBatch', record.batchId),
      committedAt: record.committedAt,
      from: record.windowStart,
      to: record.windowEnd,
      firstDay: record.firstDay,
      lastDay: record.lastDay,
      inserted: record.inserted,
      revised: record.revised,
    });
  }
}
