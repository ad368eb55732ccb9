import { registerEnumType } from 'type-graphql';
import { ExportFormat } from '../services/export/download-link';

// The service's enum, under the same name in the API.
export { ExportFormat };

registerEnumType(ExportFormat, {
  name: 'ExportFormat',
  description: 'File format of a Green Button Download My Data export.',
  valuesConfig: {
    ESPI_XML: {
      description:
        'ESPI (Green Button) usage feed, Atom XML valid against espi.xsd: usage points, readings, summaries.',
    },
    CSV: {
      description:
        'Green Button CSV: local date, start, end, usage, unit, cost, quality; one section per series and flow direction.',
    },
    CUSTOMER_XML: {
      description:
        'ESPI customer feed, Atom XML valid against customer.xsd: customer, accounts, service locations, meters.',
    },
  },
});
