import { registerEnumType } from 'type-graphql';

export enum ImportBatchStatus {
  QUEUED = 'queued',
  RUNNING = 'running',
  LOADED = 'loaded',
  REJECTED = 'rejected',
  FAILED = 'failed',
}

registerEnumType(ImportBatchStatus, {
  name: 'ImportBatchStatus',
  description: 'Where the load of one file stands.',
  valuesConfig: {
    QUEUED: { description: 'Recorded, not started.' },
    RUNNING: { description: 'Loading now (or an attempt that crashed, until its retry takes the batch over).' },
    LOADED: { description: 'Committed with its readings.' },
    REJECTED: { description: 'The file cannot be loaded as it is (see errors); nothing was written.' },
    FAILED: { description: 'A fault (database, connection) rolled the load back; the job retries it.' },
  },
});
