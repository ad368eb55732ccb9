import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SignJWT, UnsecuredJWT } from 'jose';
import { Role } from '../../src/auth/roles';
import { toGlobalId } from '../../src/services/access/global-id';
import { startApiSystem, TEST_JWT_SECRET, type ApiSystem, type GraphQLResponse } from '../api/support/api-system';
import {
  seedHousehold,
  seedMeterReading,
  seedReadings,
  seedReadingType,
  seedSummary,
  seedUsagePoint,
} from '../api/support/seed';

interface Ids {
  customer: string;
  account: string;
  usagePoint: string;
  serviceLocation: string;
  meter: string;
  meterReading: string;
  readingType: string;
  summary: string;
  interval: string;
}

const FROM = '2024-03-01T00:00:00Z';
const TO = '2024-03-03T00:00:00Z';
const RANGE = `from: "${FROM}", to: "${TO}"`;

// Every way into the data, each with what it reveals when pointed at `ids` (null or [] = nothing).
type Data = Record<string, unknown>;
type Path = { name: string; query: string; reveal: (data: Data, ids: Ids) => unknown; id?: keyof Ids };
const edgeIds = (connection: unknown) =>
  (connection as { edges: { node: { id: string } }[] }).edges.map((edge) => edge.node.id);
const byId = (name: keyof Ids): Path => ({
  name: `node(${name})`,
  id: name,
  query: `query($id: ID!) { node(id: $id) { id } }`,
  reveal: (d) => d.node,
});
const PATHS: Path[] = [
  ...(
    [
      'customer',
      'account',
      'usagePoint',
      'serviceLocation',
      'meter',
      'meterReading',
      'readingType',
      'summary',
      'interval',
    ] as const
  ).map(byId),
  {
    name: 'customer(id)',
    id: 'customer',
    query: 'query($id: ID!) { customer(id: $id) { id name email } }',
    reveal: (d) => d.customer,
  },
  {
    name: 'usagePoint(id)',
    id: 'usagePoint',
    query: 'query($id: ID!) { usagePoint(id: $id) { id } }',
    reveal: (d) => d.usagePoint,
  },
  {
    name: 'usagePoint(id) { usage intervals completeness summaries meterReadings meters account serviceLocation }',
    id: 'usagePoint',
    query: `query($id: ID!) { usagePoint(id: $id) {
      usage(${RANGE}, resolution: DAY) { total } intervals(${RANGE}, first: 5) { edges { node { value } } }
      completeness(${RANGE}) { received } summaries(first: 5) { edges { node { billLastPeriod lineItems { amount } } } }
      meterReadings(first: 5) { edges { node { readingType { unit } } } } meters { serialNumber } account { accountNumber }
      serviceLocation { streetAddress } } }`,
    reveal: (d) => d.usagePoint,
  },
  ...(['usagePoint', 'customer'] as const).map((id): Path => ({
    name: `usagePointDownload(${id})`,
    id,
    query: `mutation($id: ID!) { usagePointDownload(input: { ${id === 'customer' ? 'customerId: $id' : 'usagePointIds: [$id]'}, ${RANGE} }) { url } }`,
    reveal: (d) => (d.usagePointDownload as { url: string | null }).url,
  })),
  {
    name: 'customers(first:)',
    query: '{ customers(first: 100) { edges { node { id } } } }',
    reveal: (d, ids) => edgeIds(d.customers).filter((id) => id === ids.customer),
  },
  {
    name: 'usagePoints(first:)',
    query: '{ usagePoints(first: 100) { edges { node { id } } } }',
    reveal: (d, ids) => edgeIds(d.usagePoints).filter((id) => id === ids.usagePoint),
  },
  {
    name: 'customers → accounts → usagePoints → meterReadings',
    query: `{ customers(first: 20) { edges { node { accounts(first: 5) { edges { node { id usagePoints(first: 5) { edges { node { id
      meterReadings(first: 5) { edges { node { id } } } } } } } } } } } } }`,
    reveal: (d, ids) =>
      JSON.stringify(d)
        .match(/"id":"[^"]+"/g)
        ?.filter((m) => [ids.account, ids.usagePoint, ids.meterReading].some((id) => m.includes(id))) ?? [],
  },
];

describe('authorization matrix: every query path, every role, another customer’s ids', { timeout: 120_000 }, () => {
  let api: ApiSystem;
  let own: Ids;
  let other: Ids;
  let orphanUsagePoint: string;
  const tokens = new Map<string, string | undefined>();

  async function seedIds(name: string, multiplier: number): Promise<Ids> {
    const db = api.system.database.dataSource;
    const household = await seedHousehold(db, name, 'America/Chicago', new Date(FROM), new Date(TO));
    // A reading type of this household only, so that reaching it would reveal something.
    const readingTypeId = await seedReadingType(db, 1, multiplier);
    const meterReadingId = await seedMeterReading(db, household.usagePointId, readingTypeId);
    await seedReadings(db, { usagePointId: household.usagePointId, meterReadingId }, new Date(FROM), new Date(TO));
    const summaryId = await seedSummary(db, household.usagePointId, new Date(FROM));
    const [row] = (await db.query(
      `SELECT u.service_location_id::text AS location, (SELECT id::text FROM meter WHERE usage_point_id = u.id) AS meter FROM usage_point u WHERE u.id = $1`,
      [household.usagePointId],
    )) as { location: string; meter: string }[];
    return {
      customer: toGlobalId('Customer', household.customerId),
      account: toGlobalId('CustomerAccount', household.accountId),
      usagePoint: toGlobalId('UsagePoint', household.usagePointId),
      serviceLocation: toGlobalId('ServiceLocation', row.location),
      meter: toGlobalId('Meter', row.meter),
      meterReading: toGlobalId('MeterReading', meterReadingId),
      readingType: toGlobalId('ReadingType', readingTypeId),
      summary: toGlobalId('UsageSummary', household.usagePointId, summaryId),
      interval: toGlobalId(
        'IntervalReading',
        household.usagePointId,
        household.meterReadingId,
        Date.parse(FROM) / 1000,
      ),
    };
  }

  before(async () => {
    api = await startApiSystem();
    own = await seedIds('Own Customer', -1);
    other = await seedIds('Other Customer', -2);
    orphanUsagePoint = toGlobalId('UsagePoint', await seedUsagePoint(api.system.database.dataSource, null, null));
    tokens.set('CUSTOMER', await api.token(Role.CUSTOMER, own.customer));
    tokens.set('CUSTOMER with a forged id', await api.token(Role.CUSTOMER, 'not-a-customer-id'));
    for (const role of [Role.CSR, Role.ADMIN, Role.OPS]) tokens.set(role, await api.token(role));
  });
  after(() => api.stop());

  const run = async (path: Path, ids: Ids, token: string | undefined): Promise<GraphQLResponse> =>
    api.query(path.query, path.id ? { id: ids[path.id] } : {}, token);

  const isEmpty = (value: unknown) => value === null || (Array.isArray(value) && value.length === 0);

  for (const path of PATHS) {
    it(`${path.name}: a CUSTOMER gets nothing of another customer, but its own; staff get both`, async () => {
      for (const customerRole of ['CUSTOMER', 'CUSTOMER with a forged id']) {
        const response = await run(path, other, tokens.get(customerRole));
        assert.equal(response.errors, undefined, JSON.stringify(response.errors));
        assert.ok(
          isEmpty(path.reveal(response.data!, other)),
          `${customerRole} reached ${path.name}: ${JSON.stringify(response.data)}`,
        );
      }
      const ownResponse = await run(path, own, tokens.get('CUSTOMER'));
      assert.ok(
        !isEmpty(path.reveal(ownResponse.data!, own)),
        `the customer should reach its own data via ${path.name}`,
      );
      for (const role of [Role.CSR, Role.ADMIN, Role.OPS]) {
        const response = await run(path, other, tokens.get(role));
        assert.equal(response.errors, undefined, JSON.stringify(response.errors));
        assert.ok(!isEmpty(path.reveal(response.data!, other)), `${role} should reach ${path.name}`);
      }
      const anonymous = await run(path, other, undefined);
      assert.equal(anonymous.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
      assert.ok(isEmpty(anonymous.data ? (path.reveal(anonymous.data, other) ?? null) : null));
    });
  }

  it('hides usage points that no customer feed has claimed from CUSTOMERs, not from staff', async () => {
    const query = 'query($id: ID!) { usagePoint(id: $id) { id } node(id: $id) { id } }';
    assert.deepEqual((await api.query(query, { id: orphanUsagePoint }, tokens.get('CUSTOMER'))).data, {
      usagePoint: null,
      node: null,
    });
    assert.deepEqual((await api.query(query, { id: orphanUsagePoint }, tokens.get(Role.CSR))).data, {
      usagePoint: { id: orphanUsagePoint },
      node: { id: orphanUsagePoint },
    });
  });

  it('shows OPS no personal data on any path, and CSR all of it', async () => {
    const query = `query($c: ID!, $u: ID!) {
      customer(id: $c) { name email phone accounts(first: 5) { edges { node { accountNumber name } } } }
      usagePoint(id: $u) { name description serviceLocation { streetAddress city postalCode } account { accountNumber } } }`;
    const ops = await api.query(query, { c: other.customer, u: other.usagePoint }, tokens.get(Role.OPS));
    assert.deepEqual(ops.data, {
      customer: {
        name: null,
        email: null,
        phone: null,
        accounts: { edges: [{ node: { accountNumber: null, name: null } }] },
      },
      usagePoint: {
        name: null,
        description: null,
        serviceLocation: { streetAddress: null, city: null, postalCode: null },
        account: { accountNumber: null },
      },
    });
    const csr = await api.query(query, { c: other.customer, u: other.usagePoint }, tokens.get(Role.CSR));
    const data = csr.data as { customer: { name: string }; usagePoint: { serviceLocation: { streetAddress: string } } };
    assert.equal(data.customer.name, 'Other Customer');
    assert.equal(data.usagePoint.serviceLocation.streetAddress, '1 Main St');
  });

  it('viewer shows a CUSTOMER its own customer only', async () => {
    const response = await api.query('{ viewer { role customerId customer { id } } }', {}, tokens.get('CUSTOMER'));
    assert.deepEqual(response.data, {
      viewer: { role: 'CUSTOMER', customerId: own.customer, customer: { id: own.customer } },
    });
    assert.deepEqual((await api.query('{ viewer { customer { id } } }', {}, tokens.get(Role.CSR))).data, {
      viewer: { customer: null },
    });
  });

  it('rejects expired, unsigned and wrongly signed tokens with 401 UNAUTHENTICATED', async () => {
    const key = new TextEncoder().encode(TEST_JWT_SECRET);
    const claims = { role: 'CSR' };
    const bad = [
      await new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('x')
        .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
        .sign(key),
      new UnsecuredJWT(claims).setSubject('x').setExpirationTime('1h').encode(),
      await new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('x')
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode('x'.repeat(48))),
    ];
    for (const token of bad) {
      const response = await api.query('{ customers(first: 1) { edges { node { id } } } }', {}, token);
      assert.equal(response.status, 401);
      assert.equal(response.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
      assert.equal(response.data, undefined);
    }
  });
});
