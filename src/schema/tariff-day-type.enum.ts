import { registerEnumType } from 'type-graphql';

export enum TariffDayType {
  WEEKDAY = 'WEEKDAY',
  WEEKEND = 'WEEKEND',
}

registerEnumType(TariffDayType, {
  name: 'TariffDayType',
  description:
    "Which days a tariff's schedule row applies to (URDB weekday and weekend schedules; holidays are not distinguished).",
  valuesConfig: { WEEKDAY: { description: 'Monday to Friday.' }, WEEKEND: { description: 'Saturday and Sunday.' } },
});
