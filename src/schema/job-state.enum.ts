import { registerEnumType } from 'type-graphql';

// Values are BullMQ's state names.
export enum JobStateValue {
  WAITING = 'waiting',
  ACTIVE = 'active',
  DELAYED = 'delayed',
  PRIORITIZED = 'prioritized',
  WAITING_CHILDREN = 'waiting-children',
  PAUSED = 'paused',
  COMPLETED = 'completed',
  FAILED = 'failed',
}

registerEnumType(JobStateValue, {
  name: 'JobState',
  description: 'Where a job is in its queue.',
  valuesConfig: {
    WAITING: { description: 'Queued, waiting for a worker.' },
    ACTIVE: { description: 'Being processed by a worker.' },
    DELAYED: { description: 'Waiting for its time: a retry after a failure (backoff), or a scheduled run.' },
    PRIORITIZED: { description: 'Queued with a priority.' },
    WAITING_CHILDREN: { description: 'Waiting for child jobs to finish.' },
    PAUSED: {
      description: 'Queued in a paused queue (how the PostgreSQL backend reports them; Redis keeps them WAITING).',
    },
    COMPLETED: { description: 'Finished successfully (kept for a week).' },
    FAILED: { description: 'Failed for good: retries exhausted, or a file that cannot be loaded (kept for 30 days).' },
  },
});
