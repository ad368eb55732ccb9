import { registerEnumType } from 'type-graphql';

export enum ImportSourceValue {
  FILE = 'file',
  CIM = 'cim',
  ODS = 'ods',
  UPLOAD = 'upload',
  CLI = 'cli',
}

registerEnumType(ImportSourceValue, {
  name: 'ImportSource',
  description: 'How a file reached the loader.',
  valuesConfig: {
    FILE: { description: 'The inbox (scan or usageImportStart).' },
    CIM: { description: 'An IEC 61968-9 MeterReadings message.' },
    ODS: { description: 'The ODS extract-and-load.' },
    UPLOAD: { description: 'An uploaded file.' },
    CLI: { description: 'The usage-portal import command.' },
  },
});
