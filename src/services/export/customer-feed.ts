import type { Writable } from 'node:stream';
import type { DataSource } from 'typeorm';
import type { AccessScope } from '../access/access-scope';
import { personalDataFor, type PersonalKind } from '../customers/redaction';
import {
  customerAccountContent,
  customerContent,
  EspiCustomerFeedWriter,
  meterContent,
  serviceLocationContent,
  type CustomerKindName,
  type XmlElement,
} from '../../espi';
import { DEFAULT_EXPORT_BASE_URL, usagePointRecord } from './espi-feed';
import { usagePointRows } from './queries';
import { withSnapshot } from './snapshot';

export interface CustomerExportRequest {
  /** Database ids of the usage points, already authorised: their customers, accounts, locations and meters are written. */
  usagePointIds: readonly string[];
  /** Who the feed is for: without personal data (OPS), names, contacts, account numbers and addresses are left out. */
  scope: AccessScope;
  baseUrl?: string;
  generatedAt?: number;
}

interface EntityRow {
  kind: CustomerKindName;
  external_id: string;
  /** Named as the records of src/services/customers name them, so the one redaction rule applies. */
  fields: Record<string, string | number | null>;
  /** Service locations: the external ids of their usage points among those exported. */
  usage_points: string[] | null;
}

const PERSONAL_KIND: Partial<Record<CustomerKindName, PersonalKind>> = {
  Customer: 'customer',
  CustomerAccount: 'account',
  ServiceLocation: 'serviceLocation',
};

/** The entity's title (what a reader lists it by) and content, from fields already redacted for the reader. */
function entityOf(
  kind: CustomerKindName,
  f: Record<string, string | null>,
  intervalLength: number | null,
  usagePointHrefs: string[],
): { title: string | null; content: XmlElement } {
  switch (kind) {
    case 'Customer':
      return {
        title: f.name,
        content: customerContent({ kind: f.kind, status: f.status, name: f.name, email: f.email, phone: f.phone }),
      };
    case 'CustomerAccount':
      return {
        title: f.accountNumber,
        content: customerAccountContent({ name: f.name, billingCycle: f.billingCycle, accountNumber: f.accountNumber }),
      };
    case 'ServiceLocation':
      return {
        title: null,
        content: serviceLocationContent({
          streetAddress: f.streetAddress,
          city: f.city,
          stateOrProvince: f.stateOrProvince,
          postalCode: f.postalCode,
          country: f.country,
          usagePointHrefs,
        }),
      };
    default:
      return {
        title: f.serialNumber,
        content: meterContent({ serialNumber: f.serialNumber, formNumber: f.formNumber, intervalLength }),
      };
  }
}

/**
 * Streams the ESPI customer feed (customer.xsd) behind the usage points: their customers, the accounts that hold
 * them, their service locations (naming the usage points by the hrefs the usage feed gives them) and meters. Each
 * entity keeps the href it was loaded by, so the feed loads back onto the same rows. Customers first, then each
 * account followed by its locations, as the loader links them.
 */
export async function writeCustomerFeed(
  db: DataSource,
  request: CustomerExportRequest,
  out: Writable,
): Promise<{ entities: number }> {
  const baseUrl = request.baseUrl ?? DEFAULT_EXPORT_BASE_URL;
  const origin = new URL(baseUrl).origin;
  const generatedAt = request.generatedAt ?? Math.floor(Date.now() / 1000);
  return withSnapshot(db, async (client) => {
    const ups = await usagePointRows(client, request.usagePointIds, request.scope);
    const hrefOf = new Map(ups.map((up) => [up.externalId, usagePointRecord(up, baseUrl).self ?? up.externalId]));
    const { rows } = await client.query<EntityRow>(
      `WITH up AS (SELECT * FROM usage_point WHERE id = ANY($1::bigint[])),
            a AS (SELECT * FROM customer_account WHERE id IN (SELECT customer_account_id FROM up))
       SELECT * FROM (
         SELECT 'Customer' AS kind, c.external_id, 0 AS rank, c.external_id AS grp,
                json_build_object('kind', c.kind, 'status', c.status, 'name', c.name, 'email', c.email, 'phone', c.phone) AS fields,
                NULL::text[] AS usage_points
           FROM customer c WHERE c.id IN (SELECT customer_id FROM a)
         UNION ALL
         SELECT 'CustomerAccount', a.external_id, 1, a.external_id,
                json_build_object('name', a.name, 'billingCycle', a.billing_cycle, 'accountNumber', a.account_number), NULL
           FROM a
         UNION ALL
         SELECT 'ServiceLocation', l.external_id, 2, min(a.external_id),
                json_build_object('streetAddress', l.street_address, 'city', l.city, 'stateOrProvince', l.state_or_province,
                                  'postalCode', l.postal_code, 'country', l.country),
                array_agg(up.external_id ORDER BY up.external_id)
           FROM service_location l JOIN up ON up.service_location_id = l.id LEFT JOIN a ON a.id = up.customer_account_id
          GROUP BY l.id
         UNION ALL
         SELECT 'Meter', m.external_id, 3, coalesce(min(a.external_id), ''),
                json_build_object('serialNumber', m.serial_number, 'formNumber', m.form_number, 'intervalLength', m.interval_length), NULL
           FROM meter m JOIN up ON up.id = m.usage_point_id LEFT JOIN a ON a.id = up.customer_account_id
          GROUP BY m.id
       ) e ORDER BY rank = 0 DESC, grp, rank, external_id`,
      [request.usagePointIds],
    );
    const writer = new EspiCustomerFeedWriter(out, {
      baseUrl,
      feedKey: `customer-export|${ups.map((u) => u.externalId).join(',')}`,
      generatedAt,
    });
    for (const row of rows) {
      const hrefs = (row.usage_points ?? []).map((id) => hrefOf.get(id) as string);
      const personal = PERSONAL_KIND[row.kind];
      const fields = (personal ? personalDataFor(request.scope, personal, row.fields) : row.fields) as Record<
        string,
        string | null
      >;
      const { title, content } = entityOf(row.kind, fields, row.fields.intervalLength as number | null, hrefs);
      await writer.entity({
        kind: row.kind,
        key: row.external_id,
        self: row.external_id.startsWith('/') ? `${origin}${row.external_id}` : undefined,
        title: title ?? undefined,
        content,
      });
    }
    await writer.end();
    return { entities: rows.length };
  });
}
