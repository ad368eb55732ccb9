import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { QueueName } from '../queue/queues';
import type { ControlOutcome } from '../services/ops/queue-control';
import type { GraphQLContext } from '../schema/context';
import { userErrorsOf } from '../schema/graphql-errors';
import type { UserError } from '../schema/user-error.type';
import { ImportJobCancelInput, ImportJobRetryInput, JobSchedulerRunInput } from '../schema/job-control.input';
import { ImportJobCancelPayload, ImportJobRetryPayload, JobSchedulerRunPayload } from '../schema/job-control.payload';
import { JobQueue } from '../schema/job-queue.type';
import { Job } from '../schema/job.type';
import type { QueueNameValue } from '../schema/queue-name.enum';
import { QueuePauseInput, QueueResumeInput } from '../schema/queue-control.input';
import { QueuePausePayload, QueueResumePayload } from '../schema/queue-control.payload';

async function withJob<P extends { job: Job | null; userErrors: UserError[] }>(
  payload: P,
  services: GraphQLContext['services'],
  queue: QueueName,
  outcome: ControlOutcome,
): Promise<P> {
  const record = await services.ops.jobAfter(queue, outcome);
  return Object.assign(payload, { job: record && Job.from(record), userErrors: userErrorsOf(outcome.refusals) });
}

@Resolver()
export class OpsAdminResolver {
  @Mutation(() => ImportJobRetryPayload, {
    description:
      'ADMIN: retry a failed job; a file rejected from the inbox is first moved back from rejected/ (fix it there, then retry).',
  })
  async importJobRetry(
    @Arg('input', () => ImportJobRetryInput) input: ImportJobRetryInput,
    @Ctx() { services }: GraphQLContext,
  ): Promise<ImportJobRetryPayload> {
    return withJob(
      new ImportJobRetryPayload(),
      services,
      input.queue,
      await services.ops.retryJob(input.queue, input.jobId),
    );
  }

  @Mutation(() => ImportJobCancelPayload, {
    description:
      'ADMIN: remove a job that has not started or waits for a retry. A running job is not interrupted (a load commits or rolls back whole): JOB_ACTIVE.',
  })
  async importJobCancel(
    @Arg('input', () => ImportJobCancelInput) input: ImportJobCancelInput,
    @Ctx() { services }: GraphQLContext,
  ): Promise<ImportJobCancelPayload> {
    const { jobId, refusals } = await services.ops.cancelJob(input.queue, input.jobId);
    return Object.assign(new ImportJobCancelPayload(), {
      cancelledJobId: jobId ?? null,
      userErrors: userErrorsOf(refusals),
    });
  }

  @Mutation(() => QueuePausePayload, {
    description: 'ADMIN: pause a queue: no worker starts its jobs until queueResume; running jobs finish.',
  })
  async queuePause(
    @Arg('input', () => QueuePauseInput) input: QueuePauseInput,
    @Ctx() { services }: GraphQLContext,
  ): Promise<QueuePausePayload> {
    const { refusals } = await services.ops.pauseQueue(input.queue);
    return Object.assign(new QueuePausePayload(), {
      queue: JobQueue.of(input.queue as QueueNameValue),
      userErrors: userErrorsOf(refusals),
    });
  }

  @Mutation(() => QueueResumePayload, { description: 'ADMIN: resume a paused queue.' })
  async queueResume(
    @Arg('input', () => QueueResumeInput) input: QueueResumeInput,
    @Ctx() { services }: GraphQLContext,
  ): Promise<QueueResumePayload> {
    const { refusals } = await services.ops.resumeQueue(input.queue);
    return Object.assign(new QueueResumePayload(), {
      queue: JobQueue.of(input.queue as QueueNameValue),
      userErrors: userErrorsOf(refusals),
    });
  }

  @Mutation(() => JobSchedulerRunPayload, {
    description:
      "ADMIN: add one run of a Job Scheduler's job now (e.g. the extract, the inbox scan); the schedule is unchanged.",
  })
  async jobSchedulerRun(
    @Arg('input', () => JobSchedulerRunInput) input: JobSchedulerRunInput,
    @Ctx() { services }: GraphQLContext,
  ): Promise<JobSchedulerRunPayload> {
    return withJob(
      new JobSchedulerRunPayload(),
      services,
      input.queue,
      await services.ops.runScheduler(input.queue, input.scheduler),
    );
  }
}
