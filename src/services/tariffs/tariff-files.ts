import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import { transaction } from '../../db/pool';
import { readTariffDocument, type PublishedVersion } from '../../tariffs/urdb';
import { TariffError } from '../../tariffs/tariff';

// Tariff files (URDB JSON) are loaded into the portal database, where the API reads them: every process prices the
// same way, and a version once loaded stays for the bills it priced even when its file is gone. Loading is an
// upsert by URDB label, so loading the same files again changes nothing.

export interface TariffFileOutcome {
  file: string;
  /** Codes and labels loaded, or why the file was refused (nothing of a refused file is loaded). */
  versions: { code: string; label: string }[];
  error: string | null;
}

async function tariffFilesIn(path: string): Promise<string[]> {
  if (!(await stat(path)).isDirectory()) return [path];
  return (await readdir(path))
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => join(path, name));
}

/** One transaction per file: a file is loaded whole or not at all. */
export async function loadTariffFiles(db: DataSource, paths: readonly string[]): Promise<TariffFileOutcome[]> {
  const outcomes: TariffFileOutcome[] = [];
  for (const path of paths) {
    for (const file of await tariffFilesIn(path)) {
      try {
        const published = await readTariffDocument(file);
        await transaction(db, (client) => storeVersions(client, published, file));
        outcomes.push({
          file,
          versions: published.map(({ version: { code, label } }) => ({ code, label })),
          error: null,
        });
      } catch (error) {
        if (!(error instanceof TariffError)) throw error;
        outcomes.push({ file, versions: [], error: error.message });
      }
    }
  }
  return outcomes;
}

async function storeVersions(client: PoolClient, published: PublishedVersion[], file: string): Promise<void> {
  for (const { version, item } of published) {
    const {
      rows: [tariff],
    } = await client.query<{ id: string }>(
      `INSERT INTO tariff (code, name, utility, unit) VALUES ($1, $2, $3, $4)
       ON CONFLICT (code) DO UPDATE SET name = excluded.name, utility = excluded.utility, unit = excluded.unit, updated_at = now()
       RETURNING id`,
      [version.code, version.name, version.utility, version.unit],
    );
    await client.query(
      `INSERT INTO tariff_version (tariff_id, label, valid_from, valid_to, definition, source, source_file)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (label) DO UPDATE SET tariff_id = excluded.tariff_id, valid_from = excluded.valid_from, valid_to = excluded.valid_to,
              definition = excluded.definition, source = excluded.source, source_file = excluded.source_file, loaded_at = now()
       WHERE (tariff_version.tariff_id, tariff_version.definition, tariff_version.source) IS DISTINCT FROM (excluded.tariff_id, excluded.definition, excluded.source)`,
      [
        tariff.id,
        version.label,
        version.validFrom,
        version.validTo,
        JSON.stringify(version),
        JSON.stringify(item),
        file,
      ],
    );
  }
}
