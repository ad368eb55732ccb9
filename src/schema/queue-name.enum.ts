import { registerEnumType } from 'type-graphql';

// GraphQL names for the BullMQ queues; the values are the queue names in BullMQ (and in /metrics labels).
export enum QueueNameValue {
  IMPORTS = 'imports',
  ODS_EXTRACT = 'ods-extract',
  MAINTENANCE = 'maintenance',
  CIM_REPLIES = 'cim-replies',
  ALERTS = 'alerts',
  WEBHOOKS = 'webhooks',
}

registerEnumType(QueueNameValue, {
  name: 'QueueName',
  description: 'The job queues, one per concern, so that each can be paused and scaled on its own.',
  valuesConfig: {
    IMPORTS: { description: 'File loads (import-file jobs) and the inbox scan.' },
    ODS_EXTRACT: { description: 'The ODS extract-and-load.' },
    MAINTENANCE: { description: 'Database maintenance (reading partitions).' },
    CIM_REPLIES: { description: 'Asynchronous CIM replies posted to a ReplyAddress (cim-reply jobs).' },
    ALERTS: {
      description:
        'Customer alert rules evaluated after loads (alerts-evaluate) and the daily data-missing pass (alerts-data-missing).',
    },
    WEBHOOKS: {
      description:
        'The event relay (webhook-relay) and the webhook and Green Button notification deliveries (webhook-delivery).',
    },
  },
});
