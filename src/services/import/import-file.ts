import type { DataSource } from 'typeorm';
import { FileLoad } from './file-load';
import type { ImportFileOptions, ImportResult } from './types';

export const DEFAULT_SOURCE_SYSTEM = 'espi';

/**
 * Loads one ESPI, Green Button CSV or CIM MeterReadings file into the portal database: stream-parse (the readings
 * wait in the staging writer's spill), link, then one COPY straight into interval_reading on a first load, else a
 * COPY into a staging table and one set-based upsert; revisions, rollups and the batch row, all in one transaction.
 * A crash or a fault rolls the whole file back and the retry starts over; the same bytes loaded twice are a no-op
 * unless forced, and a forced reload stages only the blocks whose stored digest does not vouch for them
 * (block-digests.ts).
 */
export async function importFile(dataSource: DataSource, options: ImportFileOptions): Promise<ImportResult> {
  const load = await FileLoad.start(dataSource, {
    ...options,
    sourceSystem: options.sourceSystem ?? DEFAULT_SOURCE_SYSTEM,
  });
  try {
    // Each of these answers false when it ended the load: already loaded, or the file rejected.
    if (!((await load.lock()) && (await load.parse()) && (await load.link()))) return load.result;
    await load.write();
    if (options.dryRun) return await load.dryRunEnd();
    await load.rollups();
    return await load.finish();
  } catch (error) {
    await load.fail(error);
    throw error;
  } finally {
    await load.close();
  }
}
