import { Field, Float, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: "Jobs a queue finished over recent minutes, from BullMQ's per-minute metrics." })
export class QueueThroughput {
  @Field(() => Int, { description: 'The window: the last `minutes` minutes, including the current one.' })
  minutes: number;

  @Field(() => Int, { description: 'Jobs completed in the window.' })
  completed: number;

  @Field(() => Int, {
    description: 'Jobs failed for good in the window (a failed attempt that is retried is not counted).',
  })
  failed: number;

  @Field(() => Float, {
    nullable: true,
    description: 'failed / (completed + failed) in the window, 0 to 1; null when no job finished.',
  })
  failureRate: number | null;

  @Field(() => Int, { description: 'Jobs completed since the metrics began.' })
  completedTotal: number;

  @Field(() => Int, { description: 'Jobs failed since the metrics began.' })
  failedTotal: number;
}
