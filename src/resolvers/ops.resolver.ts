import { Arg, Args, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { pageCost } from '../schema/complexity';
import { connectionFrom, type ConnectionShape } from '../schema/connection';
import { JobConnection } from '../schema/connections';
import type { GraphQLContext } from '../schema/context';
import { ImportBatch } from '../schema/import-batch.type';
import { JobCounts } from '../schema/job-counts.type';
import { JobQueue } from '../schema/job-queue.type';
import { JobScheduler } from '../schema/job-scheduler.type';
import { Job } from '../schema/job.type';
import { JobsArgs } from '../schema/jobs.args';
import { QueueNameValue } from '../schema/queue-name.enum';
import { QueueThroughput } from '../schema/queue-throughput.type';

@Resolver(() => JobQueue)
export class JobQueueResolver {
  @Query(() => [JobQueue], { description: 'OPS and ADMIN: the job queues.' })
  queues(@Ctx() { services }: GraphQLContext): JobQueue[] {
    return services.ops.queueNames().map((name) => JobQueue.of(name as QueueNameValue));
  }

  @Query(() => JobQueue, { description: 'OPS and ADMIN: one job queue.' })
  queue(
    @Arg('name', () => QueueNameValue, { description: 'Which queue.' }) name: QueueNameValue,
    @Ctx() { services }: GraphQLContext,
  ): JobQueue {
    return JobQueue.of(services.ops.queue(name) as QueueNameValue);
  }

  @FieldResolver(() => Boolean, { description: 'Whether the queue is paused: no worker starts its jobs.' })
  paused(@Root() queue: JobQueue, @Ctx() { services }: GraphQLContext): Promise<boolean> {
    return services.ops.paused(queue.name);
  }

  @FieldResolver(() => JobCounts, { description: 'Jobs by state.' })
  async counts(@Root() queue: JobQueue, @Ctx() { services }: GraphQLContext): Promise<JobCounts> {
    return Object.assign(new JobCounts(), await services.ops.counts(queue.name));
  }

  @FieldResolver(() => QueueThroughput, {
    description: 'Jobs completed and failed over the last minutes, and the failure rate.',
  })
  async throughput(
    @Root() queue: JobQueue,
    @Arg('minutes', () => Int, {
      defaultValue: 15,
      description: 'Window in minutes, 1 to 1440, including the current minute.',
    })
    minutes: number,
    @Ctx() { services }: GraphQLContext,
  ): Promise<QueueThroughput> {
    return Object.assign(new QueueThroughput(), await services.ops.throughput(queue.name, minutes));
  }

  @FieldResolver(() => [JobScheduler], {
    description: 'The Job Schedulers adding jobs to this queue, with their next run and last outcome.',
  })
  async schedulers(@Root() queue: JobQueue, @Ctx() { services }: GraphQLContext): Promise<JobScheduler[]> {
    return (await services.ops.schedulers(queue.name)).map(JobScheduler.from);
  }

  @FieldResolver(() => JobConnection, {
    complexity: pageCost,
    description:
      'Jobs in one state, newest first. Cursors are positions in that list: jobs that change state in between shift the pages.',
  })
  async jobs(
    @Root() queue: JobQueue,
    @Args(() => JobsArgs) args: JobsArgs,
    @Ctx() { services }: GraphQLContext,
  ): Promise<ConnectionShape<Job>> {
    return connectionFrom(await services.ops.jobPage(queue.name, args.state, args), Job.from);
  }
}

@Resolver(() => Job)
export class JobResolver {
  @Query(() => Job, {
    nullable: true,
    description:
      'OPS and ADMIN: one job by queue and id, with its progress (poll it to follow a running import); null when gone.',
  })
  async job(
    @Arg('queue', () => QueueNameValue, { description: 'The queue of the job.' }) queue: QueueNameValue,
    @Arg('id', () => ID, { description: 'BullMQ job id.' }) id: string,
    @Ctx() { services }: GraphQLContext,
  ): Promise<Job | null> {
    const record = await services.ops.job(queue, id);
    return record && Job.from(record);
  }

  @FieldResolver(() => [ImportBatch], {
    description:
      'The import batches this job wrote: one for a file load, one per file for an extract, newest first (at most 100).',
  })
  async importBatches(@Root() job: Job, @Ctx() { services }: GraphQLContext): Promise<ImportBatch[]> {
    return (await services.ops.importBatchesOfJob(job.queue, job.jobId)).map(ImportBatch.from);
  }
}
