import { Field, Int, ObjectType } from 'type-graphql';
import { toGlobalId } from '../services/access/global-id';
import type { MeterRecord } from '../services/customers/records';
import { Node } from './node.interface';

@ObjectType({ implements: Node, description: 'A physical meter installed at a usage point.' })
export class Meter extends Node {
  @Field(() => String, { nullable: true, description: 'Serial number of the meter.' })
  serialNumber: string | null;

  @Field(() => String, { nullable: true, description: 'Meter form number.' })
  formNumber: string | null;

  @Field(() => Int, { nullable: true, description: 'Interval length the meter records, in seconds.' })
  intervalLength: number | null;

  static from(record: MeterRecord): Meter {
    return Object.assign(new Meter(), {
      id: toGlobalId('Meter', record.id),
      serialNumber: record.serialNumber,
      formNumber: record.formNumber,
      intervalLength: record.intervalLength,
    });
  }
}
