import { Field, ID, InputType } from 'type-graphql';
import { QueueNameValue } from './queue-name.enum';

// Fields shared by the inputs below; type-graphql inherits fields from decorated classes only (the base is never
// referenced, so it is not emitted).
@InputType()
abstract class JobTargetInput {
  @Field(() => QueueNameValue, {
    defaultValue: QueueNameValue.IMPORTS,
    description: 'The queue of the job: IMPORTS for file loads, ODS_EXTRACT for extracts.',
  })
  queue: QueueNameValue;

  @Field(() => ID, { description: 'BullMQ job id (Job.jobId, usageImportStart.jobId).' })
  jobId: string;
}

@InputType({ description: 'Retry a failed job with a fresh set of attempts.' })
export class ImportJobRetryInput extends JobTargetInput {}

@InputType({ description: 'Cancel a job that has not started, or that waits for a retry.' })
export class ImportJobCancelInput extends JobTargetInput {}

@InputType({ description: 'Add one run of a Job Scheduler now; its schedule stays as it is.' })
export class JobSchedulerRunInput {
  @Field(() => QueueNameValue, { description: 'The queue of the scheduler.' })
  queue: QueueNameValue;

  @Field(() => String, { description: 'Scheduler id (JobScheduler.id), e.g. ods-extract or inbox-scan.' })
  scheduler: string;
}
