import type { PoolClient } from 'pg';
import type { EspiCustomerRecord, LinkedFeed, XmlElement } from '../../espi';
import { normalizeHref as pathOf } from '../../espi/hrefs';

// The customer feed (ESPI customer namespace): customers, their accounts, service locations and meters, upserted by
// (source system, self href). Hrefs are hierarchical (…/Customer/{id}/CustomerAccount/{id}/…), so an account's
// customer is the Customer whose self href prefixes the account's, or the file's only Customer.

function text(el: XmlElement, ...path: string[]): string | null {
  let node: XmlElement | undefined = el;
  for (const name of path) node = node?.children.find((c) => c.name === name);
  const value = node?.text?.trim();
  return value ? value : null;
}

const identity = (r: EspiCustomerRecord) =>
  r.entry.self ? pathOf(r.entry.self) : r.entry.id ? `id:${r.entry.id}` : undefined;

function owner(r: EspiCustomerRecord, candidates: EspiCustomerRecord[]): EspiCustomerRecord | undefined {
  const self = identity(r);
  const under = candidates.filter((c) => {
    const id = identity(c);
    return self && id && self.startsWith(`${id}/`);
  });
  if (under.length) return under.sort((a, b) => (identity(b) as string).length - (identity(a) as string).length)[0];
  return candidates.length === 1 ? candidates[0] : undefined;
}

async function upsert(
  client: PoolClient,
  table: string,
  sourceSystem: string,
  externalId: string,
  fields: Record<string, unknown>,
): Promise<string> {
  const names = Object.keys(fields);
  const values = Object.values(fields);
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO ${table} AS t (source_system, external_id, ${names.join(', ')})
     VALUES ($1, $2, ${names.map((_, i) => `$${i + 3}`).join(', ')})
     ON CONFLICT (source_system, external_id) DO UPDATE SET ${names.map((n) => `${n} = EXCLUDED.${n}`).join(', ')}, updated_at = now()
     WHERE (${names.map((n) => `t.${n}`).join(', ')}) IS DISTINCT FROM (${names.map((n) => `EXCLUDED.${n}`).join(', ')})
     RETURNING id`,
    [sourceSystem, externalId, ...values],
  );
  if (rows.length) return rows[0].id;
  const found = await client.query<{ id: string }>(
    `SELECT id FROM ${table} WHERE source_system = $1 AND external_id = $2`,
    [sourceSystem, externalId],
  );
  return found.rows[0].id;
}

/** Returns warnings for entities that could not be placed (an account without a customer). */
export async function upsertCustomers(client: PoolClient, feed: LinkedFeed, sourceSystem: string): Promise<string[]> {
  const warnings: string[] = [];
  const of = (kind: string) => feed.customers.filter((c) => c.kind === kind && identity(c));
  const customers = of('Customer');
  const accounts = of('CustomerAccount');
  const ids = new Map<EspiCustomerRecord, string>();
  for (const c of customers) {
    ids.set(
      c,
      await upsert(client, 'customer', sourceSystem, identity(c) as string, {
        kind: text(c.content, 'kind'),
        status: text(c.content, 'status', 'value'),
        name: text(c.content, 'name'),
        // customer.xsd puts contact details in the Organisation; some custodians write them on the Customer itself.
        email:
          text(c.content, 'Organisation', 'electronicAddress', 'email1') ??
          text(c.content, 'electronicAddress', 'email1'),
        phone: text(c.content, 'Organisation', 'phone1', 'localNumber') ?? text(c.content, 'phone1', 'localNumber'),
      }),
    );
  }
  for (const a of accounts) {
    const customer = owner(a, customers);
    if (!customer) {
      warnings.push(`CustomerAccount ${identity(a)}: no Customer in the file owns it, not stored`);
      continue;
    }
    ids.set(
      a,
      await upsert(client, 'customer_account', sourceSystem, identity(a) as string, {
        customer_id: ids.get(customer),
        account_number: text(a.content, 'accountId') ?? text(a.content, 'name'),
        name: text(a.content, 'name'),
        billing_cycle: text(a.content, 'billingCycle'),
      }),
    );
  }
  for (const l of of('ServiceLocation')) {
    const address = (...p: string[]) => text(l.content, 'mainAddress', ...p);
    const locationId = await upsert(client, 'service_location', sourceSystem, identity(l) as string, {
      street_address: address('streetDetail', 'addressGeneral'),
      city: address('townDetail', 'name'),
      state_or_province: address('townDetail', 'stateOrProvince'),
      postal_code: address('townDetail', 'code') ?? address('postalCode'),
      country: address('townDetail', 'country'),
    });
    const account = owner(l, accounts);
    const refs = l.usagePointRefs.map(pathOf);
    if (refs.length === 0) continue;
    // The usage points named by the location: usage data may have arrived earlier, in another file.
    await client.query(
      `UPDATE usage_point SET service_location_id = $2, customer_account_id = coalesce($3, customer_account_id), updated_at = now()
        WHERE source_system = $1 AND external_id = ANY($4::text[])
          AND (service_location_id, customer_account_id) IS DISTINCT FROM ($2, coalesce($3, customer_account_id))`,
      [sourceSystem, locationId, account ? (ids.get(account) ?? null) : null, refs],
    );
  }
  for (const m of of('Meter')) {
    const interval = text(m.content, 'intervalLength');
    await upsert(client, 'meter', sourceSystem, identity(m) as string, {
      serial_number: text(m.content, 'serialNumber'),
      form_number: text(m.content, 'formNumber'),
      interval_length: interval && /^\d+$/.test(interval) ? Number(interval) : null,
    });
  }
  return warnings;
}
