import type { DataSource } from 'typeorm';
import type { Principal } from '../auth/roles';
import { AccessScope } from './access/access-scope';
import { Directory } from './customers/directory';
import { UsageService } from './usage/usage.service';

/**
 * The services of one request, bound to its principal. Created lazily: a request without a token can still ask for
 * `viewer`, and reaching for data without one fails with UNAUTHENTICATED.
 */
export class RequestServices {
  private cached?: { directory: Directory; usage: UsageService };

  constructor(
    private readonly db: DataSource,
    private readonly principal: Principal | undefined,
  ) {}

  private get bound() {
    if (!this.cached) {
      const directory = new Directory(this.db, AccessScope.of(this.principal));
      this.cached = { directory, usage: new UsageService(this.db, directory) };
    }
    return this.cached;
  }

  get directory(): Directory {
    return this.bound.directory;
  }

  get usage(): UsageService {
    return this.bound.usage;
  }
}
