import type { DataSource } from 'typeorm';
import { ODS_CUSTOMER_PATH } from '../../ods/extract';
import { toGlobalId } from '../access/global-id';

/** CIM FlowDirectionKind 19: energy the customer fed back (a solar home). */
const REVERSE = 19;

/**
 * The customer the demo page signs in as: one the ODS extract loaded (the caller has checked that ODS is the
 * generated demo, so the person is fictitious) and the one with the most to show, a solar home with the most series
 * when there is one. Undefined until the first extract has loaded a customer with usage.
 */
export async function demoCustomerId(db: DataSource): Promise<string | undefined> {
  const rows = (await db.query(
    `SELECT c.id::text AS id
       FROM customer c
       JOIN customer_account a ON a.customer_id = c.id
       JOIN usage_point u ON u.customer_account_id = a.id
       JOIN meter_reading m ON m.usage_point_id = u.id
       JOIN reading_type r ON r.id = m.reading_type_id
      WHERE starts_with(c.external_id, $1)
      GROUP BY c.id
      ORDER BY bool_or(r.flow_direction = $2) DESC, count(*) DESC, c.id
      LIMIT 1`,
    [ODS_CUSTOMER_PATH, REVERSE],
  )) as { id: string }[];
  return rows[0] ? toGlobalId('Customer', rows[0].id) : undefined;
}
