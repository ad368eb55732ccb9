import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { normalizeHref } from '../../src/espi/hrefs';
import { usagePointHref } from '../../src/ods/extract';
import { seedDemoOds } from '../../src/ods/generator';
import { runCli } from '../support/cli-process';
import { DATA_TABLES } from '../import/support';
import { createTestDatabase, type TestDatabase } from '../support/database';

// A portal and a demo ODS of its own, driven through the `usage-portal` command as a child process, which a fault
// point (src/fault-points.ts) can SIGKILL at an exact step.

const SEED = { customers: 4, days: 3, end: new Date('2025-03-11T00:00:00Z') };

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Per usage point (href) and flow direction: count and sum of the readings. */
export type Totals = Record<string, { readings: number; value: string }>;

export class FaultScene {
  readonly dir = mkdtempSync(join(tmpdir(), 'faults-'));
  readonly inboxDir = join(this.dir, 'inbox');
  outboxDir = join(this.dir, 'outbox');
  private constructor(
    readonly portal: TestDatabase,
    readonly ods: TestDatabase,
    readonly portalClient: Client,
    readonly odsClient: Client,
  ) {}

  static async open(name: string): Promise<FaultScene> {
    const portal = await createTestDatabase(`faults_${name}`);
    const ods = await createTestDatabase(`faults_ods_${name}`);
    const odsClient = new Client({ connectionString: ods.url });
    await odsClient.connect();
    await seedDemoOds(odsClient, SEED);
    const portalClient = new Client({ connectionString: portal.url });
    await portalClient.connect();
    return new FaultScene(portal, ods, portalClient, odsClient);
  }

  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      DATABASE_URL: this.portal.url,
      ODS_DATABASE_URL: this.ods.url,
      DATA_DIR: join(this.dir, 'data'),
      INBOX_DIR: this.inboxDir,
      OUTBOX_DIR: this.outboxDir,
      ...extra,
    };
  }

  cli(args: string[], extra: Record<string, string> = {}): Promise<CliRun> {
    return runCli(args, this.env(extra));
  }

  /** `extract --json`, SIGKILLed at the named fault point when one is given. */
  async extract(killAt?: string): Promise<CliRun> {
    const run = await this.cli(['extract', '--json'], killAt ? { USAGE_PORTAL_KILL_AT: killAt } : {});
    if (killAt)
      assert.equal(
        run.code,
        null,
        `extract was to be killed at ${killAt}; it ended with ${run.code}: ${run.stdout}${run.stderr.slice(-2000)}`,
      );
    else assert.equal(run.code, 0, `extract failed: ${run.stdout}${run.stderr.slice(-2000)}`);
    return run;
  }

  /** The ODS corrects `count` reads of its first channel (new value, validated): each gets a new change_seq. */
  async correct(count = 96): Promise<void> {
    const { rowCount } = await this.odsClient.query(
      `UPDATE ods.interval_read r SET value = r.value + 1000, quality = 17
         FROM (SELECT channel_id, start FROM ods.interval_read WHERE channel_id = (SELECT min(channel_id) FROM ods.channel) ORDER BY start LIMIT $1) c
        WHERE r.channel_id = c.channel_id AND r.start = c.start`,
      [count],
    );
    assert.equal(rowCount, count);
  }

  async odsTotals(): Promise<Totals> {
    const { rows } = await this.odsClient.query<{ up: string; flow: number; readings: number; value: string }>(
      `SELECT c.usage_point_id::text AS up, c.flow_direction AS flow, count(*)::int AS readings, sum(r.value)::text AS value
         FROM ods.interval_read r JOIN ods.channel c USING (channel_id) GROUP BY 1, 2`,
    );
    return Object.fromEntries(
      rows.map((r) => [`${normalizeHref(usagePointHref(r.up))}|${r.flow}`, { readings: r.readings, value: r.value }]),
    );
  }

  async portalTotals(): Promise<Totals> {
    const { rows } = await this.portalClient.query<{ up: string; flow: number; readings: number; value: string }>(
      `SELECT up.external_id AS up, rt.flow_direction AS flow, count(*)::int AS readings, sum(ir.value)::text AS value
         FROM interval_reading ir JOIN meter_reading mr ON mr.usage_point_id = ir.usage_point_id AND mr.id = ir.meter_reading_id
         JOIN reading_type rt ON rt.id = mr.reading_type_id JOIN usage_point up ON up.id = ir.usage_point_id
        GROUP BY 1, 2`,
    );
    return Object.fromEntries(rows.map((r) => [`${r.up}|${r.flow}`, { readings: r.readings, value: r.value }]));
  }

  async assertPortalEqualsOds(): Promise<void> {
    assert.deepEqual(await this.portalTotals(), await this.odsTotals(), 'the portal holds what the ODS holds');
  }

  async watermark(): Promise<string> {
    const { rows } = await this.portalClient.query<{ seq: string }>(
      `SELECT change_seq::text AS seq FROM extract_watermark WHERE source = 'ods'`,
    );
    return rows[0]?.seq ?? '0';
  }

  /** Files in a directory (not below it): `.part`s, and anything waiting in the inbox. */
  files(dir: string): string[] {
    try {
      return readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => e.name);
    } catch {
      return [];
    }
  }

  /** Nothing incomplete or unclaimed anywhere: no `.part`, no file waiting in the inbox, no `running` batch or run. */
  async assertNothingLeftBehind(): Promise<void> {
    assert.deepEqual(this.files(this.inboxDir), [], 'nothing waits in the inbox');
    assert.deepEqual(
      this.files(join(this.inboxDir, 'loaded')).filter((f) => f.endsWith('.part')),
      [],
    );
    assert.deepEqual(
      this.files(this.outboxDir).filter((f) => !f.endsWith('.manifest.json')),
      [],
      'only manifests stay in the outbox',
    );
    const { rows: batches } = await this.portalClient.query(
      `SELECT id, status, file_name FROM import_batch WHERE status = 'running'`,
    );
    assert.deepEqual(batches, [], 'no batch is left running');
    const { rows: runs } = await this.portalClient.query(`SELECT id, status FROM extract_run WHERE status = 'running'`);
    assert.deepEqual(runs, [], 'no extract run is left running');
    const { rows: times } = await this.portalClient.query(`SELECT id FROM import_batch WHERE finished_at < started_at`);
    assert.deepEqual(times, [], 'no batch finished before it started');
  }

  async close(): Promise<void> {
    await this.portalClient.end();
    await this.odsClient.end();
    await this.portal.drop();
    await this.ods.drop();
  }
}

/** The one JSON object a `--json` command printed. */
export function onlyJson(run: CliRun): Record<string, unknown> {
  const lines = run.stdout.trim().split('\n').filter(Boolean);
  assert.equal(lines.length, 1, `one line on stdout, not: ${run.stdout}`);
  return JSON.parse(lines[0]) as Record<string, unknown>;
}

// The portal's data, row for row, each row keyed by what it means rather than by ids and times a load assigns: two
// portals loaded from the same ODS in another order (shards, retries) must answer the same.
const REFERENCES: Record<string, string> = {
  customer_id: 'customer',
  customer_account_id: 'customer_account',
  service_location_id: 'service_location',
  usage_point_id: 'usage_point',
  meter_id: 'meter',
  reading_type_id: 'reading_type',
  meter_reading_id: 'meter_reading',
  usage_summary_id: 'usage_summary',
};
// Also `partitions`: the OIDs of the partitions a digest covers, which differ from one database to the next.
const assignedByLoad = (column: string) =>
  column === 'id' || column === 'partitions' || column.endsWith('batch_id') || column.endsWith('_at');

export async function dataSnapshot(client: Client): Promise<Record<string, string[]>> {
  const rowsOf = async (table: string) =>
    (await client.query<Record<string, unknown>>(`SELECT to_jsonb(t) AS row FROM ${table} t`)).rows.map(
      (r) => r.row as Record<string, unknown>,
    );
  const keys = new Map<string, Map<string, string>>();
  const meaning = (row: Record<string, unknown>): string =>
    JSON.stringify(
      Object.fromEntries(
        Object.entries(row)
          .filter(([column]) => !assignedByLoad(column))
          .map(([column, value]) => [
            column,
            REFERENCES[column] && value !== null
              ? (keys.get(REFERENCES[column])?.get(String(value)) ?? `unresolved ${value}`)
              : value,
          ])
          .sort(([a], [b]) => String(a).localeCompare(String(b))),
      ),
    );
  const snapshot: Record<string, string[]> = {};
  // Referenced tables first, so that rows referring to them can be keyed by what they reference.
  for (const table of [...DATA_TABLES, 'interval_block_digest']) {
    const rows = await rowsOf(table);
    if (Object.values(REFERENCES).includes(table))
      keys.set(table, new Map(rows.map((r) => [String(r.id), (r.external_id as string | undefined) ?? meaning(r)])));
    snapshot[table] = rows.map(meaning).sort();
  }
  return snapshot;
}
