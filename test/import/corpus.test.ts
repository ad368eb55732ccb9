import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { importFile } from '../../src/services/import/import-file';
import { fixturesDir, sharedDir } from '../support/paths';
import { logger, openPortalTestDatabase, type PortalTestDatabase } from './support';

// The conformance corpus (test/fixtures/greenbutton-corpus/README.md): every openly licensed Green Button file found
// in public repositories, loaded through the real import. Each either loads with the reading count and totals that
// figures.py counted with another parser (ElementTree), or is rejected for the reason its manifest entry gives: the
// whole file (`rejected`), or every reading in it while the file loads (`readings-refused`).
// Files that fail for a known open problem are `expected-to-fail`: run and reported as todo, never hidden.

interface Entry {
  file: string;
  repo: string;
  expect: 'loaded' | 'rejected' | 'readings-refused' | 'expected-to-fail';
  /** Figures of the file itself (figures.py), which a load must store in full. */
  readings?: number;
  value?: string;
  cost?: string;
  /** The error code a rejection names. */
  error?: string;
  reason?: string;
  zone?: string;
  /** Only in ../shared (no licence to copy it): skipped when that folder is absent. */
  shared?: boolean;
}

const corpusDir = join(fixturesDir, 'greenbutton-corpus');
const manifest = JSON.parse(readFileSync(join(corpusDir, 'manifest.json'), 'utf8')) as Entry[];
const tally = { loaded: 0, rejected: 0, failing: 0, 'expected-to-fail': 0, skipped: 0 };

function pathOf(entry: Entry): string | undefined {
  if (!entry.shared) return join(corpusDir, entry.file);
  return sharedDir && join(sharedDir, 'data', 'espi', 'samples', entry.file);
}

describe('Green Button conformance corpus through the import', { timeout: 600_000 }, () => {
  let pdb: PortalTestDatabase;
  before(async () => {
    pdb = await openPortalTestDatabase('corpus');
  });
  after(async () => {
    await pdb?.close();
    console.log(
      `corpus: ${tally.loaded} loaded, ${tally.rejected} rejected as the manifest says, ${tally.failing} failing, ` +
        `${tally['expected-to-fail']} expected to fail, ${tally.skipped} skipped`,
    );
  });

  manifest.forEach((entry, i) => {
    const title = `${entry.file} (${entry.repo}): ${entry.expect}${entry.error ? ` (${entry.error})` : ''}`;
    const todo = entry.expect === 'expected-to-fail' ? entry.reason : undefined;
    it(title, { todo }, async (t) => {
      const path = pathOf(entry);
      if (!path) {
        tally.skipped++;
        console.log(`corpus: skipped ${entry.file}: ../shared/data/espi/samples is not present`);
        return t.skip('../shared/data/espi/samples not present');
      }
      try {
        await check(entry, path, `corpus-${i}`);
        tally[entry.expect === 'readings-refused' ? 'rejected' : entry.expect]++;
      } catch (error) {
        if (!todo) tally.failing++;
        else tally['expected-to-fail']++;
        throw error;
      }
    });
  });

  async function check(entry: Entry, path: string, sourceSystem: string) {
    const result = await importFile(pdb.dataSource, {
      path,
      source: 'file',
      fallbackZone: entry.zone ?? 'America/New_York',
      logger,
      sourceSystem,
    });
    if (entry.expect === 'rejected') {
      assert.equal(result.status, 'rejected', `expected a rejection (${entry.reason}); got ${result.status}`);
      assert.ok(
        result.errors.some((e) => e.includes(entry.error!)),
        `expected an error ${entry.error}; got ${result.errors.join('\n')}`,
      );
      return;
    }
    assert.equal(result.status, 'loaded', result.errors.join('\n'));
    const refused = entry.expect === 'readings-refused';
    if (refused)
      assert.ok(
        result.errors.some((e) => e.includes(entry.error!)),
        `expected an error ${entry.error}; got ${result.errors.join('\n')}`,
      );
    const [stored] = (await pdb.dataSource.query(
      `SELECT count(*)::int AS readings, coalesce(sum(r.value), 0)::text AS value, coalesce(sum(r.cost), 0)::text AS cost
         FROM interval_reading r JOIN usage_point u ON u.id = r.usage_point_id WHERE u.source_system = $1`,
      [sourceSystem],
    )) as { readings: number; value: string; cost: string }[];
    const expected = refused
      ? { readings: 0, value: '0', cost: '0' }
      : { readings: entry.readings, value: entry.value, cost: entry.cost };
    assert.deepEqual(stored, expected, result.errors.join('\n'));
  }
});
