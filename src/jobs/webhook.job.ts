import { UnrecoverableError, type Job } from 'bullmq';
import { ESPI_REST_PATH } from '../espi';
import type { WebhookDeliveryJobData } from '../queue/job-data';
import { attemptDelivery } from '../services/webhooks/deliver';
import { relayEvents } from '../services/webhooks/relay';
import type { JobHandler } from './workers';

/** The outbox relay: woken on commit (queue-waker.ts, wired in main.ts) and every few seconds by its scheduler. */
export const webhookRelayJob: JobHandler = async (_job, { dataSource, queues }) =>
  relayEvents(dataSource, queues.webhooks);

/**
 * One attempt at a delivery. A failure throws, so BullMQ retries with the delivery's backoff; one no retry could
 * help (the endpoint disabled meanwhile) ends the job at once.
 */
export const webhookDeliveryJob: JobHandler = async (job: Job<WebhookDeliveryJobData>, { dataSource, config }) => {
  const result = await attemptDelivery(dataSource, job.data.deliveryId, {
    allowedUrls: config.webhookUrls,
    espiBaseUrl: `${config.publicBaseUrl}${ESPI_REST_PATH}`,
    lastAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1),
  });
  if (result.outcome === 'failed')
    throw result.retry ? new Error(result.reason) : new UnrecoverableError(result.reason);
  return result;
};
