import type { DataSource } from 'typeorm';
import type { Principal } from '../auth/roles';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { QueueAccess } from '../queue/queue-access';
import { resolveUrlSigningKey } from '../auth/signing-key';
import { AccessScope } from './access/access-scope';
import { ImportAdmin } from './admin/import-admin.service';
import { BillService } from './bills/bill.service';
import { AlertRules } from './alerts/alert-rules.service';
import { Directory } from './customers/directory';
import { issueDownload, type DownloadRequest } from './export/download';
import { OpsService } from './ops/ops.service';
import { BillForecastService } from './billing/bill-forecast.service';
import { ChangeFeed } from './events/change-feed';
import { UsageComparison } from './usage/usage-comparison';
import { TariffBook } from './tariffs/tariff-book';
import { TariffPricingService } from './tariffs/tariff-pricing.service';
import { UnauthenticatedError } from './errors';
import { UsageService } from './usage/usage.service';
import type { UsageUpdateFeed, UsageUpdateRecord } from './events/usage-updates';
import type { AlertFeed } from './alerts/alert-feed';
import type { AlertRecord } from './alerts/records';

/** This process's feeds of committed changes, for subscriptions (only the WebSocket transport has them). */
export interface LiveFeeds {
  usage: UsageUpdateFeed;
  alerts: AlertFeed;
}
import { WebhookAdmin } from './webhooks/webhook-admin';

/**
 * The services of one request, bound to its principal. Created lazily: a request without a token can still ask for
 * `viewer`, and reaching for data without one fails with UNAUTHENTICATED.
 */
export class RequestServices {
  private cached?: {
    directory: Directory;
    usage: UsageService;
    bills: BillService;
    tariffs: TariffBook;
    pricing: TariffPricingService;
  };
  private opsService?: OpsService;
  private changeFeed?: ChangeFeed;

  constructor(
    private readonly db: DataSource,
    private readonly principal: Principal | undefined,
    /** Only for the ops API and the admin mutations; read-only users of the services (reports, tests) have no queues. */
    private readonly jobs?: { queueAccess: QueueAccess; config: Config; logger: Logger; requestId?: string },
    private readonly live?: LiveFeeds,
  ) {}

  private get bound() {
    if (!this.cached) {
      const directory = new Directory(this.db, AccessScope.of(this.principal));
      const usage = new UsageService(this.db, directory);
      const tariffs = new TariffBook(this.db);
      this.cached = {
        directory,
        usage,
        bills: new BillService(directory, usage),
        tariffs,
        pricing: new TariffPricingService(this.db, directory, tariffs),
      };
    }
    return this.cached;
  }

  get directory(): Directory {
    return this.bound.directory;
  }

  get usage(): UsageService {
    return this.bound.usage;
  }

  get bills(): BillService {
    return this.bound.bills;
  }

  /** Published rates: public, but only to signed-in callers, like everything else of the API. */
  get tariffs(): TariffBook {
    if (!this.principal) throw new UnauthenticatedError();
    return this.bound.tariffs;
  }

  /** The change feed of usage points, in the directory's scope. */
  get changes(): ChangeFeed {
    return (this.changeFeed ??= new ChangeFeed(this.db, this.directory));
  }

  get tariffPricing(): TariffPricingService {
    return this.bound.pricing;
  }

  get usageComparison(): UsageComparison {
    return new UsageComparison(this.usage);
  }

  get billForecasts(): BillForecastService {
    return new BillForecastService(this.db, this.directory, this.usage);
  }

  get alertRules(): AlertRules {
    return new AlertRules(this.db, this.directory, this.principal);
  }

  /** Download My Data: signs URLs with the installation's key (see resolveUrlSigningKey). */
  get downloads() {
    const jobs = this.jobs;
    if (!jobs) throw new Error('these request services were created without the configuration');
    return {
      issue: (request: DownloadRequest) =>
        issueDownload(this.db, resolveUrlSigningKey(jobs.config), this.principal, request),
    };
  }

  /** The committed changes of one usage point the principal can see, from now on (`usageUpdated`). */
  usageUpdates(usagePointId: string): Promise<AsyncIterableIterator<UsageUpdateRecord>> {
    return this.liveFeeds.usage.subscribe(this.directory, usagePointId);
  }

  /** The alerts raised on one usage point the principal can see, from now on (`alertRaised`). */
  alertsRaised(usagePointId: string): Promise<AsyncIterableIterator<AlertRecord>> {
    return this.liveFeeds.alerts.subscribe(this.directory, usagePointId);
  }

  private get liveFeeds(): LiveFeeds {
    if (!this.live) throw new Error('these request services were created without the live feeds');
    return this.live;
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
