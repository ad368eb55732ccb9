import type { DataSource } from 'typeorm';
import type { Principal } from '../auth/roles';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { QueueAccess } from '../queue/queue-access';
import { resolveUrlSigningKey } from '../auth/signing-key';
import { AccessScope } from './access/access-scope';
import { ImportAdmin } from './admin/import-admin.service';
import { Directory } from './customers/directory';
import { issueDownload, type DownloadRequest } from './export/download';
import { OpsService } from './ops/ops.service';
import { TariffBook } from './tariffs/tariff-book';
import { TariffPricingService } from './tariffs/tariff-pricing.service';
import { UnauthenticatedError } from './errors';
import { UsageService } from './usage/usage.service';
import { WebhookAdmin } from './webhooks/webhook-admin';

/**
 * The services of one request, bound to its principal. Created lazily: a request without a token can still ask for
 * `viewer`, and reaching for data without one fails with UNAUTHENTICATED.
 */
export class RequestServices {
  private cached?: { directory: Directory; usage: UsageService; tariffs: TariffBook; pricing: TariffPricingService };
  private opsService?: OpsService;

  constructor(
    private readonly db: DataSource,
    private readonly principal: Principal | undefined,
    /** Only for the ops API and the admin mutations; read-only users of the services (reports, tests) have no queues. */
    private readonly jobs?: { queueAccess: QueueAccess; config: Config; logger: Logger; requestId?: string },
  ) {}

  private get bound() {
    if (!this.cached) {
      const directory = new Directory(this.db, AccessScope.of(this.principal));
      const tariffs = new TariffBook(this.db);
      this.cached = { directory, usage: new UsageService(this.db, directory), tariffs, pricing: new TariffPricingService(this.db, directory, tariffs) };
    }
    return this.cached;
  }

  get directory(): Directory {
    return this.bound.directory;
  }

  get usage(): UsageService {
    return this.bound.usage;
  }

  /** Published rates: public, but only to signed-in callers, like everything else of the API. */
  get tariffs(): TariffBook {
    if (!this.principal) throw new UnauthenticatedError();
    return this.bound.tariffs;
  }

  get tariffPricing(): TariffPricingService {
    return this.bound.pricing;
  }

  /** Download My Data: signs URLs with the installation's key (see resolveUrlSigningKey). */
  get downloads() {
    const jobs = this.jobs;
    if (!jobs) throw new Error('these request services were created without the configuration');
    return { issue: (request: DownloadRequest) => issueDownload(this.db, resolveUrlSigningKey(jobs.config), this.principal, request) };
  }

  private get withJobs() {
    if (!this.jobs) throw new Error('these request services were created without job access');
    return { dataSource: this.db, queues: this.jobs.queueAccess.queues, ...this.jobs };
  }

  get imports(): ImportAdmin {
    return new ImportAdmin(this.withJobs, this.principal);
  }

  get webhooks(): WebhookAdmin {
    return new WebhookAdmin(this.withJobs, this.principal);
  }

  get ops(): OpsService {
    return (this.opsService ??= new OpsService(this.withJobs, this.principal));
  }
}
