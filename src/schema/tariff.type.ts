import { DateTimeScalar } from './date-time.scalar';
import { Field, ObjectType } from 'type-graphql';
import { toGlobalId } from '../services/access/global-id';
import type { TariffRecord } from '../services/tariffs/tariff-book';
import { periodHours, versionAt } from '../tariffs/schedule';
import type { TariffVersion } from '../tariffs/tariff';
import { DecimalScalar } from './decimal.scalar';
import { Node } from './node.interface';
import { TariffDayType } from './tariff-day-type.enum';
import { TariffPeriodNode } from './tariff-period.type';

@ObjectType({
  implements: Node,
  description: "A utility's published rate (loaded from URDB JSON), as in force at the time asked for.",
})
export class Tariff extends Node {
  key: string;

  @Field({ description: 'Code of the tariff (URDB name), as the usage point and bills name it.' })
  code: string;

  @Field({ description: 'Name for display.' })
  name: string;

  @Field(() => String, { nullable: true })
  utility: string | null;

  @Field(() => String, { nullable: true, description: 'Customer class, e.g. Residential.' })
  sector: string | null;

  @Field({ description: 'Unit the energy rates are per: kWh or therm.' })
  unit: string;

  @Field({ description: 'ISO 4217 currency of the rates and charges.' })
  currency: string;

  @Field({ description: 'URDB label of the version shown.' })
  version: string;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'From when the version shown applies; null: since ever.',
  })
  validFrom: Date | null;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'Until when it applies, when the utility published an end.',
  })
  validTo: Date | null;

  @Field(() => DecimalScalar, { description: 'Fixed charge per month.' })
  fixedMonthlyCharge: string;

  @Field(() => DecimalScalar, { description: 'Fixed charge per day.' })
  fixedDailyCharge: string;

  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'Minimum monthly charge, when the tariff has one (not applied by rateComparison).',
  })
  minimumMonthlyCharge: string | null;

  @Field(() => [TariffPeriodNode], { description: 'Rate periods, in the order the tariff lists them.' })
  periods: TariffPeriodNode[];

  @Field(() => [String], {
    description:
      'Parts of the published rate the portal does not price (e.g. demand charges), so figures leave them out.',
  })
  unpriced: string[];

  /** The version in force at `at`; the latest before it ever took effect, or the first when `at` is before all. */
  static from(record: TariffRecord, at: number = Date.now()): Tariff {
    const version: TariffVersion = versionAt(record.versions, at) ?? record.versions[record.versions.length - 1];
    return Object.assign(new Tariff(), {
      id: toGlobalId('Tariff', record.id),
      key: record.id,
      code: record.code,
      name: version.name,
      utility: version.utility,
      sector: version.sector,
      unit: version.unit,
      currency: version.currency,
      version: version.label,
      validFrom: version.validFrom,
      validTo: version.validTo,
      fixedMonthlyCharge: version.fixedMonthlyCharge,
      fixedDailyCharge: version.fixedDailyCharge,
      minimumMonthlyCharge: version.minMonthlyCharge,
      unpriced: version.unpriced,
      periods: version.periods.map((period) =>
        Object.assign(new TariffPeriodNode(), {
          name: period.name,
          exportCredit: period.sell,
          rates: period.tiers.map((tier) => ({ upTo: tier.max === null ? null : String(tier.max), rate: tier.rate })),
          hours: periodHours(version, period.index).map((h) => ({ ...h, dayType: h.dayType as TariffDayType })),
        }),
      ),
    });
  }
}
