import { Field, ObjectType } from 'type-graphql';
import { JobQueue } from './job-queue.type';
import { UserError } from './user-error.type';

// Fields shared by the payloads below; type-graphql inherits fields from decorated classes only (the base is never
// referenced, so it is not emitted).
@ObjectType()
abstract class QueuePayload {
  @Field(() => JobQueue, { description: 'The queue after the mutation.' })
  queue: JobQueue;

  @Field(() => [UserError], { description: 'Problems with the input; empty on success.' })
  userErrors: UserError[];
}

@ObjectType({ description: 'Result of queuePause.' })
export class QueuePausePayload extends QueuePayload {}

@ObjectType({ description: 'Result of queueResume.' })
export class QueueResumePayload extends QueuePayload {}
