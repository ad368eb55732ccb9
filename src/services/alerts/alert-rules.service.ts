import type { DataSource } from 'typeorm';
import type { Principal } from '../../auth/roles';
import type { AccessScope } from '../access/access-scope';
import { idOf } from '../access/global-id';
import { assertAllowed } from '../access/permissions';
import type { Directory } from '../customers/directory';
import { InvalidInputError, type Refusal } from '../errors';
import { keyset, toPage, type Page, type PageRequest } from '../pagination';
import { alertColumns, ruleColumns, type AlertRecord, type AlertRuleRecord } from './records';
import { MAX_RULES_PER_USAGE_POINT, ruleInputRefusals, type AlertRuleInput } from './rule-input';

const RULE_COLUMNS = ruleColumns();
const ALERT_COLUMNS = alertColumns();

const notFound = (argument: string, what: string): Refusal => ({
  code: 'NOT_FOUND',
  argument,
  message: `no ${what} with this id that you may manage`,
});

/**
 * Alert rules and the alerts they raised, within what the principal may see: a CUSTOMER its own usage points' (the
 * scope's condition is in every statement), staff any. Creating and deleting rules needs manageAlertRules.
 */
export class AlertRules {
  constructor(
    private readonly db: DataSource,
    private readonly directory: Directory,
    private readonly principal: Principal | undefined,
  ) {}

  private get scope(): AccessScope {
    return this.directory.scope;
  }

  async create(input: AlertRuleInput): Promise<{ rule?: AlertRuleRecord; refusals: Refusal[] }> {
    assertAllowed(this.principal, 'manageAlertRules');
    const refusals = ruleInputRefusals(input);
    if (refusals.length > 0) return { refusals };
    // Another customer's usage point is answered as one that does not exist: its existence is not the caller's to know.
    const usagePointKey = idOf(input.usagePointId, 'UsagePoint');
    const usagePoint = usagePointKey ? await this.directory.usagePoint(usagePointKey) : null;
    if (!usagePoint) return { refusals: [notFound('usagePointId', 'usage point')] };
    const rows = (await this.db.query(
      `INSERT INTO alert_rule (usage_point_id, kind, threshold, days, created_by)
       SELECT $1, $2, $3, $4, $5 WHERE (SELECT count(*) FROM alert_rule WHERE usage_point_id = $1) < $6
       RETURNING ${ruleColumns('')}`,
      [
        usagePoint.id,
        input.kind,
        input.threshold ?? null,
        input.days ?? null,
        this.principal.subject,
        MAX_RULES_PER_USAGE_POINT,
      ],
    )) as AlertRuleRecord[];
    if (rows.length === 0) {
      return {
        refusals: [
          {
            code: 'INVALID_INPUT',
            argument: 'usagePointId',
            message: `this usage point already has ${MAX_RULES_PER_USAGE_POINT} alert rules, the most it may have: delete one first`,
          },
        ],
      };
    }
    return { rule: rows[0], refusals: [] };
  }

  async delete(ruleId: string): Promise<{ deletedId?: string; refusals: Refusal[] }> {
    assertAllowed(this.principal, 'manageAlertRules');
    const key = idOf(ruleId, 'AlertRule');
    if (!key) return { refusals: [notFound('id', 'alert rule')] };
    const params: unknown[] = [key];
    // TypeORM answers a DELETE with [rows, affected].
    const [rows] = (await this.db.query(
      `DELETE FROM alert_rule r WHERE r.id = $1 AND ${this.scope.whereUsagePointId('r.usage_point_id', params)} RETURNING r.id::text AS id`,
      params,
    )) as [{ id: string }[], number];
    return rows.length ? { deletedId: rows[0].id, refusals: [] } : { refusals: [notFound('id', 'alert rule')] };
  }

  /**
   * The rules of one usage point, or without one all of a customer's own (oldest first). Staff name the usage point:
   * every rule of every customer is no list to page through.
   */
  async rules(usagePointId: string | null | undefined): Promise<AlertRuleRecord[]> {
    const params: unknown[] = [];
    let where = this.scope.whereUsagePointId('r.usage_point_id', params);
    if (usagePointId != null) {
      params.push(idOf(usagePointId, 'UsagePoint') ?? '0');
      where += ` AND r.usage_point_id = $${params.length}`;
    } else if (!this.scope.limitedToOneCustomer) {
      throw new InvalidInputError('staff list the alert rules of one usage point: give usagePointId', 'usagePointId');
    }
    return (await this.db.query(
      `SELECT ${RULE_COLUMNS} FROM alert_rule r WHERE ${where} ORDER BY r.id`,
      params,
    )) as AlertRuleRecord[];
  }

  /** A rule by its database id, if visible (an alert's rule). */
  async rule(id: string): Promise<AlertRuleRecord | null> {
    const params: unknown[] = [id];
    const rows = (await this.db.query(
      `SELECT ${RULE_COLUMNS} FROM alert_rule r WHERE r.id = $1 AND ${this.scope.whereUsagePointId('r.usage_point_id', params)}`,
      params,
    )) as AlertRuleRecord[];
    return rows[0] ?? null;
  }

  /** An alert by its database id, if visible. */
  async alert(id: string): Promise<AlertRecord | null> {
    const params: unknown[] = [id];
    const rows = (await this.db.query(
      `SELECT ${ALERT_COLUMNS} FROM alert a WHERE a.id = $1 AND ${this.scope.whereUsagePointId('a.usage_point_id', params)}`,
      params,
    )) as AlertRecord[];
    return rows[0] ?? null;
  }

  /** Raised alerts, newest first, of the visible usage points or of one of them. */
  async alerts(request: PageRequest & { usagePointId?: string | null }): Promise<Page<AlertRecord>> {
    const page = keyset(request);
    const params: unknown[] = [];
    const where = [this.scope.whereUsagePointId('a.usage_point_id', params)];
    if (request.usagePointId != null) {
      params.push(idOf(request.usagePointId, 'UsagePoint') ?? '0');
      where.push(`a.usage_point_id = $${params.length}`);
    }
    const countParams = [...params];
    const countWhere = where.join(' AND ');
    const count = async () =>
      (
        (await this.db.query(`SELECT count(*)::int AS n FROM alert a WHERE ${countWhere}`, countParams)) as {
          n: number;
        }[]
      )[0].n;
    // Newest first: "after" a cursor means older, and a page backward reads the newer ones, oldest first.
    if (page.afterKey) where.push(`a.id < $${params.push(page.afterKey)}::bigint`);
    if (page.beforeKey) where.push(`a.id > $${params.push(page.beforeKey)}::bigint`);
    const rows = (await this.db.query(
      `SELECT ${ALERT_COLUMNS} FROM alert a WHERE ${where.join(' AND ')} ORDER BY a.id ${page.backward ? 'ASC' : 'DESC'} LIMIT $${params.push(page.limit + 1)}`,
      params,
    )) as AlertRecord[];
    return toPage(rows, page, (row) => row.id, count);
  }
}
