import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { openMigratedDatabase } from '../db/database';
import { PartialFailure } from '../partial-failure';
import { importFile } from '../services/import/import-file';
import { fileOutcome, type ImportResult } from '../services/import/types';
import type { CommandContext } from './commands';
import { progressBar } from './import-progress';
import { UsageError } from './usage-error';

function summary(r: ImportResult): string {
  const head = `${r.file}: ${r.status}`;
  if (r.status === 'rejected') return `${head}: ${r.errors.slice(0, 3).join('; ')}`;
  const counts = `${r.readings} readings (${r.inserted} inserted, ${r.updated} updated, ${r.unchanged} unchanged)`;
  return `${head}, ${counts}${r.warnings.length ? `, ${r.warnings.length} warning(s): ${r.warnings[0]}` : ''}`;
}

/**
 * `import <file>... [--dry-run] [--force]`: loads in this process through the same service as the import job and
 * waits for the result. Exit code 1 when any file is rejected.
 */
export async function importCommand({ config, logger, out, options, positionals }: CommandContext): Promise<void> {
  if (positionals.length === 0) throw new UsageError('import needs at least one file');
  const paths = positionals.map((p) => resolve(p));
  const missing = paths.filter((p) => !existsSync(p));
  if (missing.length) throw new UsageError(`no such file: ${missing.join(', ')}`);

  const database = await openMigratedDatabase(config, logger, { applicationName: 'usage-portal-import', poolSize: 3 });
  const bar = progressBar();
  const results: ImportResult[] = [];
  try {
    for (const path of paths) {
      const result = await importFile(database.dataSource, {
        path,
        source: 'cli',
        force: options.force === true,
        dryRun: options['dry-run'] === true,
        fallbackZone: config.defaultTimeZone,
        logger,
        onProgress: (p) => bar.update(path, p),
      }).catch((error: unknown) => {
        // The files loaded before the fault stay loaded: say which.
        throw new PartialFailure(error, { files: results.map(fileOutcome) });
      });
      bar.done();
      results.push(result);
    }
  } finally {
    bar.done();
    await database.close();
  }
  out.result({ files: results.map(fileOutcome) }, results.map(summary).join('\n'));
  if (results.some((r) => r.status === 'rejected')) process.exitCode = 1;
}
