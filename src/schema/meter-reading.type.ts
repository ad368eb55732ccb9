import { ObjectType } from 'type-graphql';
import { toGlobalId } from '../services/access/global-id';
import type { MeterReadingRecord } from '../services/customers/records';
import { Node } from './node.interface';

@ObjectType({ implements: Node, description: 'One series of readings of a usage point, of one reading type.' })
export class MeterReading extends Node {
  key: string;
  usagePointKey: string;
  readingTypeKey: string;

  static from(record: MeterReadingRecord): MeterReading {
    return Object.assign(new MeterReading(), {
      id: toGlobalId('MeterReading', record.id),
      key: record.id,
      usagePointKey: record.usagePointId,
      readingTypeKey: record.readingTypeId,
    });
  }
}
