import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Role } from '../../src/auth/roles';
import { toGlobalId } from '../../src/services/access/global-id';
import { startApiSystem, type ApiSystem } from './support/api-system';
import { seedHousehold } from './support/seed';

const FROM = '2024-03-01T00:00:00.000Z';
const TO = '2024-03-04T00:00:00.000Z';
const FIELDS = 'unit total cost buckets { start end value cost readings estimated }';

// Typed variables must answer exactly as the same values written inline do, whatever executes the operation, and bad
// values must come back as the client's error, graphql-js's wording, before anything runs.
describe(
  'operation variables: every input scalar and enum as inline literals, bad values as BAD_USER_INPUT',
  { timeout: 120_000 },
  () => {
    let api: ApiSystem;
    let token: string;
    let usagePoint: string;

    before(async () => {
      api = await startApiSystem();
      const household = await seedHousehold(
        api.system.database.dataSource,
        'Variables',
        'Europe/Berlin',
        new Date('2024-02-28T00:00:00Z'),
        new Date('2024-03-06T00:00:00Z'),
      );
      usagePoint = toGlobalId('UsagePoint', household.usagePointId);
      token = await api.token(Role.CUSTOMER, toGlobalId('Customer', household.customerId));
    });
    after(() => api.stop());

    it('ID, DateTime and Resolution variables answer as the inline literals do', async () => {
      const inline = await api.query(
        `{ usagePoint(id: "${usagePoint}") { usage(from: "${FROM}", to: "${TO}", resolution: HOUR) { ${FIELDS} } } }`,
        {},
        token,
      );
      assert.equal(inline.errors, undefined, JSON.stringify(inline.errors));
      const usage = (inline.data!.usagePoint as { usage: { buckets: unknown[] } }).usage;
      assert.equal(usage.buckets.length, 72);
      const query = `query($id: ID!, $from: DateTime!, $to: DateTime!, $resolution: Resolution!) {
      usagePoint(id: $id) { usage(from: $from, to: $to, resolution: $resolution) { ${FIELDS} } } }`;
      // Twice: the second request runs the compiled query from the cache.
      for (let run = 0; run < 2; run++) {
        const variables = await api.query(query, { id: usagePoint, from: FROM, to: TO, resolution: 'HOUR' }, token);
        assert.equal(variables.errors, undefined, JSON.stringify(variables.errors));
        assert.deepEqual(variables.data, inline.data);
      }
      const days = await api.query(query, { id: usagePoint, from: FROM, to: TO, resolution: 'DAY' }, token);
      // Three UTC days touch four Berlin days, the first and last clipped to the range.
      assert.equal((days.data!.usagePoint as { usage: { buckets: unknown[] } }).usage.buckets.length, 4);
    });

    it('enum variables whose internal values are not their names (QueueName, ImportSource, JobState) answer as the inline literals do', async () => {
      const ops = await api.token(Role.OPS);
      const selection = (q: string, s: string, st: string) =>
        `queue(name: ${q}) { name jobs(state: ${st}, first: 5) { edges { node { jobId } } } } importBatches(first: 5, source: ${s}) { edges { node { source } } }`;
      const inline = await api.query(`{ ${selection('ODS_EXTRACT', 'CIM', 'FAILED')} }`, {}, ops);
      assert.equal(inline.errors, undefined, JSON.stringify(inline.errors));
      assert.equal((inline.data!.queue as { name: string }).name, 'ODS_EXTRACT');
      const query = `query($q: QueueName!, $s: ImportSource, $st: JobState!) { ${selection('$q', '$s', '$st')} }`;
      for (let run = 0; run < 2; run++) {
        const variables = await api.query(query, { q: 'ODS_EXTRACT', s: 'CIM', st: 'FAILED' }, ops);
        assert.equal(variables.errors, undefined, JSON.stringify(variables.errors));
        assert.deepEqual(variables.data, inline.data);
      }
    });

    it('reports an invalid or missing variable as BAD_USER_INPUT with graphql-js’s message, and keeps serving', async () => {
      const query =
        'query($id: ID!, $from: DateTime!, $to: DateTime!) { usagePoint(id: $id) { usage(from: $from, to: $to, resolution: DAY) { total } } }';
      const bad = await api.query(query, { id: usagePoint, from: 'yesterday', to: TO }, token);
      assert.equal(bad.status, 400);
      assert.equal(bad.data, undefined);
      assert.equal(bad.errors?.length, 1);
      assert.equal(bad.errors[0].extensions?.code, 'BAD_USER_INPUT');
      assert.match(bad.errors[0].message, /^Variable "\$from" got invalid value "yesterday"; /);

      const missing = await api.query(query, { id: usagePoint, to: TO }, token);
      assert.equal(missing.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
      assert.match(missing.errors[0].message, /^Variable "\$from" of required type "DateTime!" was not provided\./);

      const badEnum = await api.query(
        'query($r: Resolution!) { usagePoint(id: "x") { usage(from: "2024-01-01T00:00:00Z", to: "2024-01-02T00:00:00Z", resolution: $r) { total } } }',
        { r: 'FORTNIGHT' },
        token,
      );
      assert.equal(badEnum.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');

      const good = await api.query(query, { id: usagePoint, from: FROM, to: TO }, token);
      assert.equal(good.errors, undefined, JSON.stringify(good.errors));
      assert.ok((good.data!.usagePoint as { usage: { total: string } }).usage.total);
    });
  },
);
