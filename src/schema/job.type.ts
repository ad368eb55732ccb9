import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { JobRecord } from '../services/ops/records';
import { JobProgress } from './job-progress.type';
import { JobStateValue } from './job-state.enum';
import { QueueNameValue } from './queue-name.enum';

@ObjectType({
  description:
    'A BullMQ job, as ops see it: state, progress, attempts, timings and why it failed. Its data is not shown.',
})
export class Job {
  @Field(() => QueueNameValue, { description: 'The queue it is in.' })
  queue: QueueNameValue;

  @Field(() => ID, {
    description: 'BullMQ job id, unique within its queue (the jobId of usageImportStart, and of the logs).',
  })
  jobId: string;

  @Field(() => String, { description: 'Job name, e.g. import-file, inbox-scan, ods-extract, partition-maintenance.' })
  name: string;

  @Field(() => JobStateValue, { nullable: true, description: 'State now; null when the job is gone.' })
  state: JobStateValue | null;

  @Field(() => JobProgress, {
    nullable: true,
    description: 'Last reported progress; poll this field to follow a running import.',
  })
  progress: JobProgress | null;

  @Field(() => Int, { description: 'Attempts made so far.' })
  attemptsMade: number;

  @Field(() => Int, { description: 'Attempts allowed before the job fails for good.' })
  attemptsAllowed: number;

  @Field(() => Date, { description: 'When the job was added.' })
  createdAt: Date;

  @Field(() => Date, { nullable: true, description: 'When its latest attempt started.' })
  processedAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it completed or failed for good.' })
  finishedAt: Date | null;

  @Field(() => String, { nullable: true, description: 'Why its latest attempt failed.' })
  failedReason: string | null;

  @Field(() => [String], {
    nullable: true,
    description: 'Stack traces of its failed attempts. ADMIN only: null for OPS.',
  })
  stacktrace: string[] | null;

  @Field(() => String, { nullable: true, description: 'Name of the file an import job loads (without its directory).' })
  file: string | null;

  @Field(() => String, { nullable: true, description: 'The Job Scheduler that created it, if any.' })
  scheduler: string | null;

  static from(record: JobRecord): Job {
    const { queue, id, state, progress, ...fields } = record;
    return Object.assign(new Job(), fields, {
      queue: queue as QueueNameValue,
      jobId: id,
      state: state as JobStateValue | null,
      progress: progress && Object.assign(new JobProgress(), progress),
    });
  }
}
