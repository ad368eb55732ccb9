import { Field, Float, ObjectType } from 'type-graphql';
import type { SchedulerRecord } from '../services/ops/records';
import { Job } from './job.type';
import { QueueNameValue } from './queue-name.enum';

@ObjectType({ description: 'A BullMQ Job Scheduler: adds a job on a cron pattern or at a fixed interval.' })
export class JobScheduler {
  @Field(() => QueueNameValue, { description: 'The queue its jobs go to.' })
  queue: QueueNameValue;

  @Field(() => String, { description: 'Scheduler id (what jobSchedulerRun takes), e.g. inbox-scan.' })
  id: string;

  @Field(() => String, { description: 'Name of the jobs it adds.' })
  jobName: string;

  @Field(() => String, {
    nullable: true,
    description: 'Cron pattern (with seconds when it has six fields), when it runs on one.',
  })
  pattern: string | null;

  @Field(() => Float, { nullable: true, description: 'Interval in milliseconds, when it runs every so often instead.' })
  everyMs: number | null;

  @Field(() => String, { nullable: true, description: 'Time zone of the cron pattern.' })
  timeZone: string | null;

  @Field(() => Date, { nullable: true, description: 'When it next adds a job.' })
  nextRunAt: Date | null;

  @Field(() => Job, {
    nullable: true,
    description: 'Its job that finished last (scheduled or run by hand), with the outcome; null when none is retained.',
  })
  lastRun: Job | null;

  static from(record: SchedulerRecord): JobScheduler {
    return Object.assign(new JobScheduler(), record, {
      queue: record.queue as QueueNameValue,
      lastRun: record.lastRun && Job.from(record.lastRun),
    });
  }
}
