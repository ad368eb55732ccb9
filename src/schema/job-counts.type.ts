import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'How many jobs a queue holds in each state.' })
export class JobCounts {
  @Field(() => Int, { description: 'Queued, waiting for a worker.' })
  waiting: number;

  @Field(() => Int, { description: 'Being processed.' })
  active: number;

  @Field(() => Int, { description: 'Waiting for a retry (backoff) or their scheduled time.' })
  delayed: number;

  @Field(() => Int, { description: 'Queued with a priority.' })
  prioritized: number;

  @Field(() => Int, { description: 'Waiting for child jobs.' })
  waitingChildren: number;

  @Field(() => Int, { description: 'Queued in a paused queue (PostgreSQL backend; Redis counts them as waiting).' })
  paused: number;

  @Field(() => Int, { description: 'Finished successfully, within retention.' })
  completed: number;

  @Field(() => Int, { description: 'Failed for good, within retention.' })
  failed: number;
}
