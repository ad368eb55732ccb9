import { createHmac, randomBytes } from 'node:crypto';

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, as Stripe signs: docs/webhooks.md has the receiver's check. */
export const SIGNATURE_HEADER = 'x-usage-portal-signature';
export const EVENT_ID_HEADER = 'x-usage-portal-event-id';
export const DELIVERY_ID_HEADER = 'x-usage-portal-delivery-id';

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

export function signatureOf(secret: string, timestamp: number, body: string): string {
  const digest = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${digest}`;
}
