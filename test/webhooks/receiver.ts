import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The signature header checked against the path's secret (as docs/webhooks.md tells receivers to). */
  signed: boolean;
  /** What we answered. */
  status: number;
}

/**
 * A webhook receiver on a free local port: it records every POST, checks its signature with the secret registered
 * for its path, and answers each path's scripted statuses in turn (200 once the script is used up).
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  private readonly secrets = new Map<string, string>();
  private readonly scripts = new Map<string, number[]>();
  private readonly server: Server;
  base = '';

  private constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () =>
        res.writeHead(this.answer(req.url ?? '', req.headers, Buffer.concat(chunks).toString('utf8'))).end(),
      );
    });
  }

  static async start(): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver();
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    receiver.base = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}`;
    return receiver;
  }

  url(path: string): string {
    return `${this.base}${path}`;
  }

  expect(path: string, secret: string, statuses: number[] = []): void {
    this.secrets.set(path, secret);
    this.scripts.set(path, [...statuses]);
  }

  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  private answer(path: string, headers: Received['headers'], body: string): number {
    const status = this.scripts.get(path)?.shift() ?? 200;
    this.received.push({
      path,
      headers,
      body,
      signed: verify(this.secrets.get(path), String(headers['x-usage-portal-signature'] ?? ''), body),
      status,
    });
    return status;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** docs/webhooks.md's recipe: HMAC-SHA256 over `${t}.${rawBody}`, compared in constant time, timestamps older than 5 min refused. */
function verify(secret: string | undefined, header: string, body: string): boolean {
  const fields = Object.fromEntries(header.split(',').map((part) => part.split('=', 2) as [string, string]));
  const t = Number(fields.t);
  if (!secret || !Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > 300 || !fields.v1) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  const given = Buffer.from(fields.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
