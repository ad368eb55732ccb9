import type { Job } from 'bullmq';
import { Role } from '../auth/roles';
import { writeCimMessage, type CimEnvelope, type OutgoingMessage } from '../cim';
import { AccessScope } from '../services/access/access-scope';
import { DEFAULT_SOURCE_SYSTEM } from '../services/import/import-file';
import { answerGet, GetRefusal } from '../services/cim/meter-readings-get';
import { refusalReply, responseTo } from '../services/cim/replies';
import { postMessage } from '../services/cim/reply-post';
import { CIM_REPLY, type CimReplyJobData } from '../queue/job-data';
import type { Queues } from '../queue/queues';
import type { JobHandler } from './workers';

export function enqueueCimReply(queues: Queues, data: CimReplyJobData) {
  return queues['cim-replies'].add(CIM_REPLY, data);
}

/** The request with the continuation of the page to answer next. */
function atPage(envelope: CimEnvelope, cursor: string | undefined): CimEnvelope {
  if (!cursor) return envelope;
  const request = envelope.request ?? {};
  const ids = [
    ...(request.ids ?? []).filter((id) => id.idType !== 'continuation'),
    { value: cursor, idType: 'continuation' },
  ];
  return { ...envelope, request: { ...request, ids } };
}

/**
 * Posts the reply; a receiver that is down or answers non-2xx fails the attempt and BullMQ retries with backoff. A get
 * saves the continuation of its next page after each page posted, so a retry resumes where the receiver stopped
 * taking them instead of sending the first pages again.
 */
export const cimReplyJob: JobHandler = async (job: Job<CimReplyJobData>, { dataSource, logger }) => {
  const data = job.data;
  if (data.kind === 'message') {
    await postMessage(data.address, writeCimMessage(data.message), data.message.soap);
    return { pages: 1 };
  }
  let { cursor, pages = 0 } = data;
  // The reply shows what the requester may see; a job queued without its requester, what the least entitled may.
  const scope = AccessScope.of(data.principal ?? { subject: 'cim-reply', role: Role.OPS });
  for (;;) {
    const envelope = atPage(data.envelope, cursor);
    let message: OutgoingMessage;
    let next: string | undefined;
    try {
      ({ message, next } = await answerGet(dataSource, envelope, {
        sourceSystem: DEFAULT_SOURCE_SYSTEM,
        scope,
        pageReadings: data.pageReadings,
      }));
    } catch (error) {
      if (!(error instanceof GetRefusal)) throw error;
      message = responseTo(envelope, refusalReply(error));
    }
    await postMessage(data.address, writeCimMessage(message), message.soap);
    pages++;
    logger.info({ address: data.address, pages, more: !!next }, 'CIM reply page posted');
    if (!next) return { pages };
    cursor = next;
    await job.updateData({ ...data, cursor, pages });
  }
};
