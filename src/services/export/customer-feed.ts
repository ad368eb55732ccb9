import type { Writable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { customerAccountContent, customerContent, EspiCustomerFeedWriter, meterContent, serviceLocationContent, type CustomerKindName, type XmlElement } from '../../espi';
import { DEFAULT_EXPORT_BASE_URL, usagePointRecord } from './espi-feed';
import { usagePointRows } from './queries';
import { withSnapshot } from './snapshot';

export interface CustomerExportRequest {
  /** Database ids of the usage points, already authorised: their customers, accounts, locations and meters are written. */
  usagePointIds: readonly string[];
  baseUrl?: string;
  generatedAt?: number;
}

interface EntityRow {
  kind: CustomerKindName;
  external_id: string;
  title: string | null;
  fields: Record<string, string | number | null>;
  /** Service locations: the external ids of their usage points among those exported. */
  usage_points: string[] | null;
}

function contentOf(row: EntityRow, usagePointHrefs: string[]): XmlElement {
  const f = row.fields as Record<string, string | null>;
  switch (row.kind) {
    case 'Customer':
      return customerContent({ kind: f.kind, status: f.status, name: f.name, email: f.email, phone: f.phone });
    case 'CustomerAccount':
      return customerAccountContent({ name: f.name, billingCycle: f.billing_cycle, accountNumber: f.account_number });
    case 'ServiceLocation':
      return serviceLocationContent({ streetAddress: f.street_address, city: f.city, stateOrProvince: f.state_or_province, postalCode: f.postal_code, country: f.country, usagePointHrefs });
    default:
      return meterContent({ serialNumber: f.serial_number, formNumber: f.form_number, intervalLength: row.fields.interval_length as number | null });
  }
}

/**
 * Streams the ESPI customer feed (customer.xsd) behind the usage points: their customers, the accounts that hold
 * them, their service locations (naming the usage points by the hrefs the usage feed gives them) and meters. Each
 * entity keeps the href it was loaded by, so the feed loads back onto the same rows. Customers first, then each
 * account followed by its locations, as the loader links them.
 */
export async function writeCustomerFeed(db: DataSource, request: CustomerExportRequest, out: Writable): Promise<{ entities: number }> {
  const baseUrl = request.baseUrl ?? DEFAULT_EXPORT_BASE_URL;
  const origin = new URL(baseUrl).origin;
  const generatedAt = request.generatedAt ?? Math.floor(Date.now() / 1000);
  return withSnapshot(db, async (client) => {
    const ups = await usagePointRows(client, request.usagePointIds);
    const hrefOf = new Map(ups.map((up) => [up.externalId, usagePointRecord(up, baseUrl).self ?? up.externalId]));
    const { rows } = await client.query<EntityRow>(
      `WITH up AS (SELECT * FROM usage_point WHERE id = ANY($1::bigint[])),
            a AS (SELECT * FROM customer_account WHERE id IN (SELECT customer_account_id FROM up))
       SELECT * FROM (
         SELECT 'Customer' AS kind, c.external_id, c.name AS title, 0 AS rank, c.external_id AS grp,
                json_build_object('kind', c.kind, 'status', c.status, 'name', c.name, 'email', c.email, 'phone', c.phone) AS fields,
                NULL::text[] AS usage_points
           FROM customer c WHERE c.id IN (SELECT customer_id FROM a)
         UNION ALL
         SELECT 'CustomerAccount', a.external_id, a.account_number, 1, a.external_id,
                json_build_object('name', a.name, 'billing_cycle', a.billing_cycle, 'account_number', a.account_number), NULL
           FROM a
         UNION ALL
         SELECT 'ServiceLocation', l.external_id, NULL, 2, min(a.external_id),
                json_build_object('street_address', l.street_address, 'city', l.city, 'state_or_province', l.state_or_province,
                                  'postal_code', l.postal_code, 'country', l.country),
                array_agg(up.external_id ORDER BY up.external_id)
           FROM service_location l JOIN up ON up.service_location_id = l.id LEFT JOIN a ON a.id = up.customer_account_id
          GROUP BY l.id
         UNION ALL
         SELECT 'Meter', m.external_id, m.serial_number, 3, coalesce(min(a.external_id), ''),
                json_build_object('serial_number', m.serial_number, 'form_number', m.form_number, 'interval_length', m.interval_length), NULL
           FROM meter m JOIN up ON up.id = m.usage_point_id LEFT JOIN a ON a.id = up.customer_account_id
          GROUP BY m.id
       ) e ORDER BY rank = 0 DESC, grp, rank, external_id`,
      [request.usagePointIds],
    );
    const writer = new EspiCustomerFeedWriter(out, { baseUrl, feedKey: `customer-export|${ups.map((u) => u.externalId).join(',')}`, generatedAt });
    for (const row of rows) {
      const hrefs = (row.usage_points ?? []).map((id) => hrefOf.get(id) as string);
      await writer.entity({
        kind: row.kind,
        key: row.external_id,
        self: row.external_id.startsWith('/') ? `${origin}${row.external_id}` : undefined,
        title: row.title ?? undefined,
        content: contentOf(row, hrefs),
      });
    }
    await writer.end();
    return { entities: rows.length };
  });
}
