import { Client } from 'pg';
import { withApi, type Build } from './api-process';
import {
  checkAnswers,
  checkTrivial,
  randomTraffic,
  sessions,
  trivialAsks,
  warmUp,
  type Customer,
  type Measured,
} from './api-traffic';

// bench/api's modes: what the API's caches hold, and what customers ask of it. Each runs against a fresh API process
// of one build, and checks its answers against SQL before timing anything.

export const MODES = ['warm', 'morning', 'off', 'trivial'] as const;
export type Mode = (typeof MODES)[number];

/** The figures the modes produce, in the order they are printed. */
export const FIGURES = ['warm', 'morning', 'morning again', 'off year', 'off mix', 'trivial'] as const;
export type Figure = (typeof FIGURES)[number];

/** The caches as deployed, in builds that have them (USAGE_CACHE_MB, ANSWER_CACHE_MB: earlier builds; this one has none). */
const DEPLOYED_CACHE_MB = 64;

export interface ModeContext {
  url: string;
  work: string;
  customers: Customer[];
  connections: number;
  seconds: number;
}

type Run = (build: Build, context: ModeContext) => Promise<Partial<Record<Figure, Measured>>>;

export const runMode: Record<Mode, Run> = {
  // Customers who have all looked since the last load, looking again: the caches at their best.
  warm: (build, { url, work, customers, connections, seconds }) =>
    withApi(build, url, DEPLOYED_CACHE_MB, work, async (api) => {
      await checkAnswers(url, api, customers, build.label);
      await sessions(api, customers, connections);
      return {
        warm: await randomTraffic(
          api,
          customers.flatMap((customer) => customer.asks),
          connections,
          seconds,
        ),
      };
    }),

  // The morning after the nightly load: the caches full of the day before's answers, every one of them now stale.
  morning: (build, { url, work, customers, connections }) =>
    withApi(build, url, DEPLOYED_CACHE_MB, work, async (api) => {
      await checkAnswers(url, api, customers, build.label);
      // The day before: a warm-up as in the other modes, then every customer's session. The same queries as this
      // morning's, so a hit after the load could only be a stale answer.
      await warmUp(
        api,
        customers.flatMap((customer) => customer.asks),
        connections,
      );
      await sessions(api, customers, connections);
      await newDataVersions(url);
      const morning = await sessions(api, customers, connections);
      for (const [cache, ratio] of Object.entries(morning.hits)) {
        if (ratio > 0.01)
          throw new Error(
            `${build.label}: ${(ratio * 100).toFixed(1)} % of the morning's first answers hit the ${cache} cache after every data version changed`,
          );
      }
      return { morning, 'morning again': await sessions(api, customers, connections) };
    }),

  // Every answer computed: what the main path costs, and the targets.
  off: (build, { url, work, customers, connections, seconds }) =>
    withApi(build, url, 0, work, async (api) => {
      await checkAnswers(url, api, customers, build.label);
      const year = await randomTraffic(
        api,
        customers.map((customer) => customer.asks[0]),
        connections,
        seconds,
      );
      // A warm-up for the month and interval queries the year did not run.
      await sessions(api, customers.slice(0, 4 * connections), connections);
      return { 'off year': year, 'off mix': await sessions(api, customers, connections) };
    }),

  trivial: (build, { url, work, customers, connections, seconds }) =>
    withApi(build, url, 0, work, async (api) => {
      const asks = trivialAsks(customers);
      await checkTrivial(api, asks[0], build.label);
      return { trivial: await randomTraffic(api, asks, connections, seconds) };
    }),
};

/** What the nightly load does to every usage point it writes, in its load transaction. */
async function newDataVersions(url: string): Promise<void> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    await db.query('UPDATE usage_point SET data_version = data_version + 1');
  } finally {
    await db.end();
  }
}
