// IMPORT_FAILED is recorded by the statement that closes the batch as rejected or failed, so the event exists exactly
// when the batch says so. It belongs to no customer: only endpoints without a customer scope receive it.

/**
 * The tail of a statement whose CTE `closed` returns the batches just closed (id, file_name, status): one
 * IMPORT_FAILED event each, with `reason` (a parameter placeholder such as `$5`) as why.
 */
export function importFailedEvents(reason: string): string {
  return `INSERT INTO event_outbox (kind, batch_id, payload)
          SELECT 'IMPORT_FAILED', id, jsonb_build_object('file', file_name, 'status', status, 'reason', ${reason}::text)
            FROM closed ORDER BY id`;
}
