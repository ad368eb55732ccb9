import { resolve } from 'node:path';
import { Role } from '../auth/roles';
import { openMigratedDatabase } from '../db/database';
import { AtomicFile } from '../ods/atomic-file';
import { AccessScope } from '../services/access/access-scope';
import { exportOf } from '../services/export/download';
import { EXPORT_FORMATS, type ExportFormat } from '../services/export/download-link';
import { resolveExportTargets } from '../services/export/targets';
import type { CommandContext } from './commands';
import { UsageError } from './usage-error';

function instant(value: unknown, name: string): Date {
  const d = typeof value === 'string' ? new Date(value) : new Date(NaN);
  if (Number.isNaN(d.getTime()))
    throw new UsageError(`--${name} must be an ISO 8601 date-time, e.g. 2024-01-01T00:00:00Z`);
  return d;
}

/**
 * `export --usage-point <id>... | --customer <id> --from ISO --to ISO [--format espi|csv|customer] [--out file]`:
 * Download My Data from the command line, with the operator's full access (it runs on the database directly). The
 * file is written atomically (`.part`, fsync, rename); without --out the export goes to stdout.
 */
export async function exportCommand({ config, logger, out, options }: CommandContext): Promise<void> {
  const usagePointIds = (options['usage-point'] as string[] | undefined) ?? [];
  const customerId = typeof options.customer === 'string' ? options.customer : undefined;
  if ((usagePointIds.length === 0) === (customerId === undefined))
    throw new UsageError('export needs --usage-point <id> (repeatable) or --customer <id>');
  const from = instant(options.from, 'from');
  const to = instant(options.to, 'to');
  if (from >= to) throw new UsageError('--from must be before --to');
  const format = String(options.format ?? 'espi') as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}`);
  const outPath = typeof options.out === 'string' ? resolve(options.out) : undefined;
  if (out.json && !outPath) throw new UsageError('--json needs --out <file>: stdout carries the JSON result');

  const database = await openMigratedDatabase(config, logger, { applicationName: 'usage-portal-export', poolSize: 2 });
  try {
    const scope = AccessScope.of({ subject: 'cli', role: Role.ADMIN });
    const ids = await resolveExportTargets(database.dataSource, scope, { usagePointIds, customerId });
    const exp = exportOf(database.dataSource, format, { usagePointIds: ids, from, to, scope });
    if (!outPath) {
      await exp.write(process.stdout);
      return;
    }
    const file = await AtomicFile.create(outPath);
    let stats: unknown;
    try {
      stats = await exp.write(file);
    } catch (error) {
      await file.discard();
      throw error;
    }
    const committed = await file.commit();
    out.result(
      {
        file: committed.path,
        format,
        bytes: committed.bytes,
        sha256: committed.sha256,
        suggestedName: exp.fileName,
        ...(stats as object),
      },
      `${committed.path}: ${committed.bytes} bytes (${format})`,
    );
  } finally {
    await database.close();
  }
}
