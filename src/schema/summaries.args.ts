import { ArgsType, Field } from 'type-graphql';
import { ConnectionArgs } from './connection.args';
import { DateTimeScalar } from './date-time.scalar';
import { SummaryOrder } from './summary-order.enum';

@ArgsType()
export class SummariesArgs extends ConnectionArgs {
  @Field(() => SummaryOrder, {
    nullable: true,
    description: 'By billing period start: PERIOD_START_ASC (default) or PERIOD_START_DESC.',
  })
  orderBy?: SummaryOrder | null;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description:
      'Only bills whose billing period overlaps [from, to): that end after `from` (a period ending exactly at `from` is out).',
  })
  from?: Date | null;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'Only bills whose billing period starts before `to` (exclusive; a period starting at `to` is out).',
  })
  to?: Date | null;
}
