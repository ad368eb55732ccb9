import { Field, ID, ObjectType } from 'type-graphql';
import { Job } from './job.type';
import { UserError } from './user-error.type';

// Fields shared by the payloads below; type-graphql inherits fields from decorated classes only (the base is never
// referenced, so it is not emitted).
@ObjectType()
abstract class JobPayload {
  @Field(() => Job, { nullable: true, description: 'The job as it is after the mutation; null when nothing was done.' })
  job: Job | null;

  @Field(() => [UserError], {
    description: 'Why nothing was done (JOB_NOT_FOUND, JOB_NOT_FAILED, SCHEDULER_NOT_FOUND…); empty on success.',
  })
  userErrors: UserError[];
}

@ObjectType({ description: 'Result of importJobRetry.' })
export class ImportJobRetryPayload extends JobPayload {}

@ObjectType({ description: 'Result of jobSchedulerRun: the job added now.' })
export class JobSchedulerRunPayload extends JobPayload {}

@ObjectType({ description: 'Result of importJobCancel.' })
export class ImportJobCancelPayload {
  @Field(() => ID, { nullable: true, description: 'The cancelled (removed) job; null when nothing was cancelled.' })
  cancelledJobId: string | null;

  @Field(() => [UserError], {
    description:
      'Why nothing was cancelled (JOB_ACTIVE, JOB_FINISHED, SCHEDULED_RUN, JOB_NOT_FOUND); empty on success.',
  })
  userErrors: UserError[];
}
