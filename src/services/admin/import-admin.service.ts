import { realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, relative, resolve } from 'node:path';
import type { DataSource } from 'typeorm';
import type { Principal } from '../../auth/roles';
import type { Config } from '../../config';
import type { Logger } from '../../logger';
import type { QueueAccess } from '../../queue/queue-access';
import { assertAllowed } from '../access/permissions';
import type { Refusal } from '../errors';
import { heldDir, releaseHeld } from '../import/files';
import { importFile } from '../import/import-file';
import type { ImportResult } from '../import/types';

export interface ImportStartOutcome {
  jobId?: string;
  report?: ImportResult;
  refusals: Refusal[];
}

/**
 * What an ADMIN may start from the API: loads of files already in the inbox (queued, or a dry run answered at once)
 * and ODS extracts. Problems with what was asked for (no such file, a path outside the inbox) are user errors in the
 * payload; a caller without the ADMIN role is refused outright.
 */
export class ImportAdmin {
  constructor(
    private readonly deps: {
      dataSource: DataSource;
      queueAccess: QueueAccess;
      config: Config;
      logger: Logger;
      requestId?: string;
    },
    private readonly principal: Principal | undefined,
  ) {}

  /** Resolves a path relative to the inbox, refusing anything that escapes it (`..`, absolute paths, symlinks out). */
  private async inboxFile(path: string): Promise<string | Refusal> {
    const argument = 'path';
    const inbox = await realpath(this.deps.config.inboxDir).catch(() => undefined);
    if (!inbox)
      return { code: 'INBOX_MISSING', argument, message: `the inbox ${this.deps.config.inboxDir} does not exist` };
    const real = await realpath(resolve(inbox, path)).catch(() => undefined);
    if (!real) return { code: 'FILE_NOT_FOUND', argument, message: `no file "${path}" in the inbox` };
    const inside = relative(inbox, real);
    if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
      return { code: 'OUTSIDE_INBOX', argument, message: 'only files inside the inbox can be imported' };
    }
    return real;
  }

  /** A held upload (`PUT ?import=false`) enters the inbox when its load is asked for; any other file is loaded where it is. */
  private async released(file: string): Promise<string | Refusal> {
    const inbox = await realpath(this.deps.config.inboxDir);
    if (dirname(file) !== heldDir(inbox)) return file;
    const released = await releaseHeld(file, inbox);
    return (
      released ?? {
        code: 'NAME_TAKEN',
        argument: 'path',
        message: `the inbox already has a file named ${basename(file)}`,
      }
    );
  }

  async startImport(input: { path: string; force: boolean; dryRun: boolean }): Promise<ImportStartOutcome> {
    assertAllowed(this.principal, 'startImports');
    const file = await this.inboxFile(input.path);
    if (typeof file !== 'string') return { refusals: [file] };
    const { dataSource, queueAccess, config, logger } = this.deps;
    if (input.dryRun) {
      // Nothing is written, so the caller gets the answer now instead of a job to poll.
      const report = await importFile(dataSource, {
        path: file,
        source: 'file',
        dryRun: true,
        force: input.force,
        fallbackZone: config.defaultTimeZone,
        logger,
      });
      return { report, refusals: [] };
    }
    const path = await this.released(file);
    if (typeof path !== 'string') return { refusals: [path] };
    const job = await queueAccess.enqueueImport({
      path,
      source: 'file',
      force: input.force,
      inbox: true,
      requestId: this.deps.requestId,
    });
    logger.info({ jobId: job.id, file: input.path }, 'import queued');
    return { jobId: job.id, refusals: [] };
  }

  async startExtract(input: { since?: Date }): Promise<ImportStartOutcome> {
    assertAllowed(this.principal, 'startImports');
    if (input.since && Number.isNaN(input.since.getTime())) {
      return { refusals: [{ code: 'INVALID_DATE', argument: 'since', message: 'since is not a valid date-time' }] };
    }
    const job = await this.deps.queueAccess.enqueueExtract(input.since ? { since: input.since.toISOString() } : {});
    return { jobId: job.id, refusals: [] };
  }
}
