import { ODS_EXTRACT, type ExtractJobData } from '../queue/job-data';
import type { QueueAccess } from '../queue/queue-access';
import type { Queues } from '../queue/queues';
import { enqueueImport } from './import-queue';

/** The QueueAccess services are given, over the process's BullMQ queues. */
export function bullQueueAccess(queues: Queues): QueueAccess {
  return {
    queues,
    enqueueImport: (data, checksum) => enqueueImport(queues.imports, data, checksum),
    enqueueExtract: (data: ExtractJobData) => queues['ods-extract'].add(ODS_EXTRACT, data),
  };
}
