import { registerEnumType } from 'type-graphql';

export enum WebhookEventValue {
  USAGE_LOADED = 'USAGE_LOADED',
  USAGE_REVISED = 'USAGE_REVISED',
  ALERT_RAISED = 'ALERT_RAISED',
  IMPORT_FAILED = 'IMPORT_FAILED',
}

registerEnumType(WebhookEventValue, {
  name: 'WebhookEvent',
  description: 'The kinds of event pushed to webhook endpoints.',
  valuesConfig: {
    USAGE_LOADED: { description: 'A committed load added readings of a usage point.' },
    USAGE_REVISED: { description: 'A committed load changed stored readings of a usage point.' },
    ALERT_RAISED: { description: "A customer's alert rule was crossed." },
    IMPORT_FAILED: {
      description:
        'A file was rejected, or its load failed (its job may retry it). Sent only to endpoints without a customer scope.',
    },
  },
});

export enum WebhookFormatValue {
  JSON = 'JSON',
  ESPI_BATCHLIST = 'ESPI_BATCHLIST',
}

registerEnumType(WebhookFormatValue, {
  name: 'WebhookFormat',
  description: 'What an endpoint is sent.',
  valuesConfig: {
    JSON: { description: 'One signed JSON body per event.' },
    ESPI_BATCHLIST: {
      description:
        "A Green Button third party's notify URI: an ESPI BatchList of the resource URLs to fetch, one per relay run listing its usage changes.",
    },
  },
});

export enum WebhookDeliveryStatusValue {
  PENDING = 'pending',
  DELIVERED = 'delivered',
  FAILED = 'failed',
}

registerEnumType(WebhookDeliveryStatusValue, {
  name: 'WebhookDeliveryStatus',
  description: 'Where a delivery stands.',
  valuesConfig: {
    PENDING: { description: 'Not delivered yet: being attempted, or waiting for its next retry.' },
    DELIVERED: { description: 'The endpoint answered 2xx.' },
    FAILED: {
      description: 'Every attempt failed (or the endpoint was disabled): webhookDeliveryReplay posts it again.',
    },
  },
});
