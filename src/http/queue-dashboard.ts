import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { RequestHandler } from 'express';
import type { Queues } from '../queue/queues';
import { allows } from '../services/access/permissions';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

// Bull Board's page links IBM Plex from Google Fonts: on an offline machine that request hangs, and elsewhere it
// tells Google who opens the dashboard. The page falls back to system fonts, so we serve the template without it.
function offlineViewsDir(): string {
  const uiDir = dirname(require.resolve('@bull-board/ui/package.json'));
  const { version } = JSON.parse(readFileSync(join(uiDir, 'package.json'), 'utf8')) as { version: string };
  const viewsDir = join(tmpdir(), `usage-portal-bull-board-ui-${version}`);
  const template = readFileSync(join(uiDir, 'dist', 'index.ejs'), 'utf8').replace(
    /^.*fonts\.googleapis\.com.*$\n?/gm,
    '',
  );
  const target = join(viewsDir, 'index.ejs');
  if (!existsSync(target) || readFileSync(target, 'utf8') !== template) {
    mkdirSync(viewsDir, { recursive: true });
    writeFileSync(target, template);
  }
  return viewsDir;
}

function board(queues: Queues, readOnlyMode: boolean, viewsDir: string): RequestHandler {
  const serverAdapter = new ExpressAdapter().setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({
    queues: Object.values(queues).map(
      (queue) => new BullMQAdapter(queue as never, { readOnlyMode, allowRetries: !readOnlyMode }),
    ),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'usage-portal queues' } },
  });
  serverAdapter.setViewsPath(viewsDir);
  return serverAdapter.getRouter() as RequestHandler;
}

/**
 * Bull Board, twice: those who may read operations get a read-only board (Bull Board refuses retries, removals and
 * pauses on read-only queues in its API, not only in its buttons), ADMIN the full one. requirePermission has already
 * put the principal on req.
 */
export function queueDashboard(queues: Queues): RequestHandler {
  const viewsDir = offlineViewsDir();
  const readOnly = board(queues, true, viewsDir);
  const full = board(queues, false, viewsDir);
  return (req, res, next) => (allows(req.principal, 'controlQueues') ? full : readOnly)(req, res, next);
}
