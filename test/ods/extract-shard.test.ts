import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from 'pg';
import { extractShard, usagePointHref, type ExtractedFile } from '../../src/ods/extract';
import { planExtract, type ExtractPlan } from '../../src/ods/extract-plan';
import { seedDemoOds } from '../../src/ods/generator';
import { createTestDatabase, type TestDatabase } from '../support/database';

// One shard written with small files: each customer's feed follows the usage feeds of all its usage points, written
// while the shard's reads still stream (the customer feeds are read on the second connection).
describe('ODS extract: one shard', { timeout: 120_000 }, () => {
  let odsDb: TestDatabase;
  const clients: Client[] = [];
  let plan: ExtractPlan;

  const connect = async () => {
    const client = new Client({ connectionString: odsDb.url });
    await client.connect();
    clients.push(client);
    return client;
  };

  before(async () => {
    odsDb = await createTestDatabase('ods_shard');
    const seeding = await connect();
    await seedDemoOds(seeding, { customers: 14, days: 10, end: new Date('2024-11-08T00:00:00Z') });
    plan = (await planExtract(seeding, { after: '0', shards: 2 })) as ExtractPlan;
  });
  after(async () => {
    for (const client of clients) await client.end();
    await odsDb?.drop();
  });

  it('plans whole customers into shards of about equal readings, every reading once', () => {
    assert.equal(plan.shards.length, 2);
    const [first, second] = plan.shards;
    assert.equal(first.readings + second.readings, plan.readings);
    assert.ok(
      Math.abs(first.readings - second.readings) < plan.readings / 3,
      `${first.readings} vs ${second.readings}`,
    );
    assert.deepEqual(
      new Set([...first.customerIds, ...second.customerIds]).size,
      first.customerIds.length + second.customerIds.length,
    );
  });

  it('writes each customer feed after the usage feeds of all its usage points, with readings still streaming', async () => {
    const shard = plan.shards[0];
    const outboxDir = mkdtempSync(join(tmpdir(), 'ods-shard-'));
    const handed: ExtractedFile[] = [];
    const files = await extractShard(
      { reads: await connect(), entities: await connect() },
      {
        outboxDir,
        runId: plan.id,
        createdAt: plan.createdAt,
        range: plan.range,
        shard,
        maxReadingsPerFile: 2_000,
        onFile: async (file) => void handed.push(file),
      },
    );
    assert.deepEqual(handed, files);
    assert.equal(files.filter((f) => f.kind === 'customer').length, shard.customerIds.length);
    assert.equal(
      files.reduce((n, f) => n + f.readings, 0),
      shard.readings,
    );
    const firstCustomer = files.findIndex((f) => f.kind === 'customer');
    const lastUsage = files.map((f) => f.kind).lastIndexOf('usage');
    assert.ok(firstCustomer < lastUsage, 'customer feeds are written between usage feeds, not all at the end');
    // Every usage point a customer feed links is in a usage feed handed on before it.
    const written = new Set<string>();
    for (const file of files) {
      const xml = readFileSync(join(outboxDir, file.name), 'utf8');
      if (file.kind === 'usage') {
        for (const id of shard.usagePointIds) if (xml.includes(usagePointHref(id))) written.add(id);
      } else {
        const linked = shard.usagePointIds.filter((id) => xml.includes(usagePointHref(id)));
        assert.ok(linked.length > 0, `${file.name} links usage points`);
        for (const id of linked)
          assert.ok(written.has(id), `${file.name} links usage point ${id} before its usage feed`);
      }
    }
  });
});
