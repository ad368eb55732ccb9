import { Field, ID, InputType } from 'type-graphql';
import { ExportFormat } from './export-format.enum';

@InputType({ description: "What to download: usage points (or all of a customer's), a time range and a format." })
export class UsagePointDownloadInput {
  @Field(() => [ID], { nullable: true, description: 'Usage points to export (1 to 100); or give customerId instead.' })
  usagePointIds?: string[];

  @Field(() => ID, { nullable: true, description: 'Export every usage point of this customer.' })
  customerId?: string;

  @Field(() => Date, { description: 'Start of the range (inclusive): readings starting at or after it.' })
  from: Date;

  @Field(() => Date, { description: 'End of the range (exclusive), at most 367 days after from.' })
  to: Date;

  @Field(() => ExportFormat, { defaultValue: ExportFormat.ESPI_XML, description: 'File format; ESPI XML by default.' })
  format: ExportFormat;
}
