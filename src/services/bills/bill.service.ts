import type { Directory } from '../customers/directory';
import type { UsageSummaryRecord } from '../customers/records';
import { COST_EXPONENT, formatScaled } from '../usage/decimal';
import { Resolution } from '../usage/periods';
import type { UsageService } from '../usage/usage.service';

export interface ReconciliationFigures {
  /** Decimal strings in the bill's currency. */
  intervalCost: string | null;
  lineItemsTotal: string;
  difference: string | null;
  readings: number;
  expected: number | null;
}

/** A decimal string (as usage() formats costs) back to an integer of 10^exponent units, exactly. */
function scaled(decimal: string, exponent: number): bigint {
  const negative = decimal.startsWith('-');
  const [whole, fraction = ''] = (negative ? decimal.slice(1) : decimal).split('.');
  const value = BigInt(whole + fraction.padEnd(-exponent, '0'));
  return negative ? -value : value;
}

/** Bills as the portal explains them, over the services of one request (its scope applies to every read). */
export class BillService {
  constructor(
    private readonly directory: Directory,
    private readonly usage: UsageService,
  ) {}

  /**
   * The bill beside the delivered usage series over its billing period: the interval costs come from usage() (daily
   * rollups for whole local days, readings for the rest, exact either way), so the bills of a page share its batched
   * statements.
   */
  async reconciliation(bill: UsageSummaryRecord): Promise<ReconciliationFigures> {
    const from = bill.billingPeriodStart;
    const to = new Date(from.getTime() + bill.billingPeriodDuration * 1000);
    const [series, items] = await Promise.all([
      bill.billingPeriodDuration > 0
        ? this.usage.usage(bill.usagePointId, { from, to, resolution: Resolution.DAY })
        : null,
      this.directory.lineItemsOf(bill.id),
    ]);
    const intervalCost = series?.cost ?? null;
    const money = (raw: bigint) => formatScaled(raw, COST_EXPONENT);
    return {
      intervalCost,
      lineItemsTotal: money(items.reduce((sum, item) => sum + BigInt(item.amount), 0n)),
      difference:
        bill.billLastPeriod === null
          ? null
          : money(BigInt(bill.billLastPeriod) - (intervalCost === null ? 0n : scaled(intervalCost, COST_EXPONENT))),
      readings: series?.readings ?? 0,
      expected: series?.expected ?? null,
    };
  }
}
