import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { Role } from '../src/auth/roles';
import { mintToken } from '../src/auth/tokens';
import { toGlobalId } from '../src/services/access/global-id';
import { formatScaled } from '../src/services/usage/decimal';
import { percentile, type Figures } from './api-data';
import { cacheLookups, cpuSeconds, hitRatios, tokenConfig, type Api, type HitRatios } from './api-process';

// What bench/api asks the API, and how: customers' own queries, as random repeats (autocannon, time-bounded) or as
// sessions (count-bounded), measured from outside the API process.

/**
 * The bench's clock: the morning after the data's last local day. The data run to 2025-01-02T00:00Z, so the day
 * before "today" is complete in every zone (Sydney's 2025-01-01 starts at 2024-12-31T13:00Z).
 */
export const TODAY = '2025-01-01';

const USAGE = `query($id: ID!, $from: DateTime!, $to: DateTime!, $resolution: Resolution!) { usagePoint(id: $id) {
  usage(from: $from, to: $to, resolution: $resolution) { unit total cost buckets { start end value cost readings expected estimated } } } }`;

/** A customer's three queries, each ending at the start of today in its usage point's zone, in the app's order. */
const ASKS = [
  { what: 'year by day', since: `($1::date - interval '1 year')`, resolution: 'DAY', buckets: 366 },
  { what: 'last month by day', since: `($1::date - interval '1 month')`, resolution: 'DAY', buckets: 31 },
  { what: 'yesterday by interval', since: `($1::date - 1)`, resolution: 'INTERVAL', buckets: 96 },
] as const;

/** One request as sent: its JSON body and the token of the customer who sends it. */
export interface Ask {
  body: string;
  token: string;
}

export interface Customer {
  usagePoint: string;
  /** Its ASKS, in order: asks[0] is its year by day. */
  asks: (Ask & { from: Date; to: Date; what: string; resolution: string; buckets: number })[];
}

export interface Measured extends Figures {
  /** API CPU per request, ms (from /proc). */
  cpuMs: number;
  requests: number;
  hits: HitRatios;
}

/** Every usage point's customer, with a token of its own and its three queries. */
export async function customers(url: string): Promise<Customer[]> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    const { rows } = await db.query(
      `SELECT u.id::text AS id, a.customer_id::text AS customer, ($1::date::timestamp AT TIME ZONE u.time_zone) AS today,
         ARRAY[${ASKS.map((ask) => `(${ask.since}::timestamp AT TIME ZONE u.time_zone)`).join(', ')}] AS starts
       FROM usage_point u JOIN customer_account a ON a.id = u.customer_account_id ORDER BY u.id`,
      [TODAY],
    );
    return Promise.all(
      rows.map(async (row: { id: string; customer: string; today: Date; starts: Date[] }) => {
        const token = await mintToken(tokenConfig, {
          role: Role.CUSTOMER,
          customerId: toGlobalId('Customer', row.customer),
          ttlSeconds: 3600,
        });
        const asks = ASKS.map(({ what, resolution, buckets }, i) => {
          const from = row.starts[i];
          const variables = {
            id: toGlobalId('UsagePoint', row.id),
            from: from.toISOString(),
            to: row.today.toISOString(),
            resolution,
          };
          return {
            body: JSON.stringify({ query: USAGE, variables }),
            token,
            from,
            to: row.today,
            what,
            resolution,
            buckets,
          };
        });
        return { usagePoint: row.id, asks };
      }),
    );
  } finally {
    await db.end();
  }
}

/** `{ __typename }` for each customer, with its token: what the API's main path costs without data. */
export function trivialAsks(all: Customer[]): Ask[] {
  const body = JSON.stringify({ query: '{ __typename }' });
  return all.map((customer) => ({ body, token: customer.asks[0].token }));
}

export async function checkTrivial(api: Api, ask: Ask, build: string): Promise<void> {
  const response = (await (await post(api, ask)).json()) as { data?: { __typename?: string }; errors?: unknown };
  if (response.errors || response.data?.__typename !== 'Query')
    throw new Error(`${build}: { __typename } was answered ${JSON.stringify(response).slice(0, 300)}`);
}

/** Checks the three answers of one customer per zone against SQL: totals, bucket counts, yesterday's readings. */
export async function checkAnswers(url: string, api: Api, all: Customer[], build: string): Promise<void> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    for (const customer of all.slice(0, 3)) {
      for (const ask of customer.asks) {
        const response = (await (await post(api, ask)).json()) as {
          data?: { usagePoint: { usage: { total: string; buckets: unknown[] } } };
          errors?: unknown;
        };
        const [sql] = (
          await db.query(
            `SELECT coalesce(sum(value), 0)::text AS total, count(*)::int AS readings FROM interval_reading WHERE usage_point_id = $1 AND start >= $2 AND start < $3`,
            [customer.usagePoint, ask.from, ask.to],
          )
        ).rows;
        const usage = response.data?.usagePoint.usage;
        // Yesterday's intervals are its readings, and the data have all 96 of them.
        const intervals = ask.resolution !== 'INTERVAL' || sql.readings === ask.buckets;
        if (
          response.errors ||
          usage?.total !== formatScaled(BigInt(sql.total), -3) ||
          usage.buckets.length !== ask.buckets ||
          !intervals
        ) {
          throw new Error(
            `${build}: the API's ${ask.what} of usage point ${customer.usagePoint} does not match SQL (total ${formatScaled(BigInt(sql.total), -3)}, ${sql.readings} readings): ${JSON.stringify(response).slice(0, 500)}`,
          );
        }
      }
    }
  } finally {
    await db.end();
  }
}

function post(api: Api, ask: Ask): Promise<Response> {
  return fetch(`${api.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ask.token}` },
    body: ask.body,
  });
}

/** The API's CPU, the caches' lookups and the requests/s over `run`, which reports its requests and latencies. */
async function measure(
  api: Api,
  run: () => Promise<{ requests: number; seconds: number; p50: number; p99: number }>,
): Promise<Measured> {
  const before = await cacheLookups(api);
  const cpuBefore = cpuSeconds(api.pid);
  const { requests, seconds, p50, p99 } = await run();
  const cpu = cpuSeconds(api.pid) - cpuBefore;
  const hits = hitRatios(before, await cacheLookups(api));
  return { rps: requests / seconds, p50, p99, cpuMs: (cpu * 1000) / requests, requests, hits };
}

/** `asks` picked at random by `connections` clients for `seconds`, with autocannon. */
async function autocannonRun(api: Api, asks: Ask[], connections: number, seconds: number) {
  const result = await autocannon({
    url: `${api.url}/graphql`,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => {
          const pick = asks[Math.floor(Math.random() * asks.length)];
          return {
            ...req,
            body: pick.body,
            headers: { 'content-type': 'application/json', authorization: `Bearer ${pick.token}` },
          };
        },
      },
    ],
  });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${result.non2xx} non-2xx responses and ${result.errors} errors`);
  return {
    requests: result.requests.total,
    seconds: result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}

/** 3 s of `asks` at random, untimed: a fresh process's code optimized before any figure is taken. */
export async function warmUp(api: Api, asks: Ask[], connections: number): Promise<void> {
  await autocannonRun(api, asks, connections, 3);
}

/** `asks` picked at random for `seconds` after a warm-up. */
export async function randomTraffic(api: Api, asks: Ask[], connections: number, seconds: number): Promise<Measured> {
  await warmUp(api, asks, connections);
  return measure(api, () => autocannonRun(api, asks, connections, seconds));
}

/**
 * Each customer's session once: its three queries in order on one connection, the customers in random order,
 * `connections` sessions at a time. Each client keeps its connection from one session to the next, as a reverse
 * proxy's pool of upstream connections does.
 */
export function sessions(api: Api, all: Customer[], connections: number): Promise<Measured> {
  return measure(api, async () => {
    const queue = shuffled(all);
    const latencies: number[] = [];
    const started = performance.now();
    const client = async () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        for (let customer = queue.pop(); customer; customer = queue.pop()) {
          for (const ask of customer.asks) latencies.push(await timedPost(agent, api, ask));
        }
      } finally {
        agent.destroy();
      }
    };
    await Promise.all(Array.from({ length: connections }, client));
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((x, y) => x - y);
    return { requests: latencies.length, seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
  });
}

function shuffled<T>(items: T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

/** Milliseconds until the whole answer is read; a failed request or a GraphQL error fails the bench. */
function timedPost(agent: Agent, api: Api, ask: Ask): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(
      `${api.url}/graphql`,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(ask.body),
          authorization: `Bearer ${ask.token}`,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          if (res.statusCode === 200 && !text.includes('"errors"')) resolve(performance.now() - started);
          else reject(new Error(`HTTP ${res.statusCode}: ${text.slice(0, 300)}`));
        });
      },
    );
    req.on('error', reject);
    req.end(ask.body);
  });
}
