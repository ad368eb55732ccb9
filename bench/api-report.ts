import type { Figures } from './api-data';
import { FIGURES, type Figure } from './api-modes';
import type { Measured } from './api-traffic';

// bench/api's report: each figure for our build and the baseline's, medians over the runs, with ratios taken within
// a run (the machine's load moves between runs more than the builds differ).

export interface Run {
  a: Figures;
  b: Figures;
  ours: Partial<Record<Figure, Measured>>;
  baseline?: Partial<Record<Figure, Measured>>;
}

export interface Setting {
  usagePoints: number;
  connections: number;
  seconds: number;
  baseline?: string;
  today: string;
}

const TITLES: Record<Figure, string> = {
  warm: `warm: random repeats of every customer's three queries, each asked once before (caches 64 MB)`,
  morning: `morning after the load, first pass: every data version new, each customer's session once (caches 64 MB, full of the day before's answers)`,
  'morning again': `morning, second pass: every customer opens the app again`,
  'off year': `caches off: year by day of random customers (targets: c/b ≥ 0.3, moonshot 0.5; p99 < 50 ms; API CPU ≤ 1.5 ms)`,
  'off mix': `caches off: the morning's sessions, each once`,
  trivial: `caches off: { __typename } of random customers (target: API CPU ≤ 0.3 ms)`,
};

/** The figures measured with the caches on. */
const CACHED: ReadonlySet<Figure> = new Set(['warm', 'morning', 'morning again']);

const median = (xs: number[]) => {
  const sorted = [...xs].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const num = (x: number, digits: number, width: number) =>
  (Number.isFinite(x) ? x.toFixed(digits) : '–').padStart(width);
const percent = (x: number | undefined) => (x === undefined ? 'n/a' : `${(x * 100).toFixed(1)} %`);

/** Medians over the runs of each figure of one build; c/b is each run's against that run's floor. */
function row(label: string, runs: Run[], cachesOn: boolean, of: (run: Run) => Measured | undefined): string {
  const measured = runs.map((run) => ({ run, m: of(run) as Measured }));
  const m = (pick: (x: Measured) => number) => median(measured.map(({ m: x }) => pick(x)));
  const hits = (['answer', 'usage'] as const)
    .filter((cache) => measured[0].m.hits[cache] !== undefined)
    .map((cache) => `${cache} ${percent(median(measured.map(({ m: x }) => x.hits[cache] ?? NaN)))}`);
  if (cachesOn && hits.length === 0) hits.push('no cache lookups in /metrics');
  return `  ${label.padEnd(14)}${num(
    m((x) => x.rps),
    0,
    8,
  )}${num(
    m((x) => x.p50),
    2,
    9,
  )}${num(
    m((x) => x.p99),
    2,
    9,
  )}${num(
    m((x) => x.cpuMs),
    2,
    12,
  )}${num(median(measured.map(({ run, m: x }) => x.rps / run.b.rps)), 3, 8)}   ${hits.join(', ')}`.trimEnd();
}

function ratioRow(runs: Run[], figure: Figure): string {
  const ratio = (pick: (x: Measured) => number) =>
    median(runs.map((run) => pick(run.ours[figure] as Measured) / pick(run.baseline?.[figure] as Measured)));
  return `  ${'ours/baseline'.padEnd(14)}${num(
    ratio((x) => x.rps),
    2,
    8,
  )}${''.padStart(18)}${num(
    ratio((x) => x.cpuMs),
    2,
    12,
  )}`;
}

export function report(setting: Setting, runs: Run[]): string {
  const lines = [
    `usage API: ${setting.usagePoints} usage points × one year of 15-minute readings, "today" ${setting.today} in each point's zone; ` +
      `${setting.connections} concurrent clients, ${setting.seconds} s per time-bounded figure; medians of ${runs.length} run(s)`,
    setting.baseline ? `baseline: ${setting.baseline}` : `baseline: none given (--baseline <another checkout's dist/>)`,
  ];
  for (const [label, pick] of [
    ['(a) SQL local-day aggregation of a year', (run: Run) => run.a],
    ['(b) SQL 365 precomputed daily rows (the floor)', (run: Run) => run.b],
  ] as const) {
    const m = (f: (x: Figures) => number) => median(runs.map((run) => f(pick(run))));
    lines.push(
      `${label.padEnd(48)}${num(
        m((x) => x.rps),
        0,
        8,
      )} req/s   p50 ${num(
        m((x) => x.p50),
        2,
        8,
      )} ms   p99 ${num(
        m((x) => x.p99),
        2,
        8,
      )} ms`,
    );
  }
  lines.push('', `${''.padEnd(16)}   req/s   p50 ms   p99 ms  CPU ms/req     c/b   cache hit ratios`);
  for (const figure of FIGURES.filter((f) => runs[0].ours[f])) {
    const requests =
      figure.startsWith('morning') || figure === 'off mix' ? ` (${runs[0].ours[figure]?.requests} requests)` : '';
    const cachesOn = CACHED.has(figure);
    lines.push(
      `${TITLES[figure]}${requests}`,
      row('ours', runs, cachesOn, (run) => run.ours[figure]),
    );
    if (runs[0].baseline)
      lines.push(
        row('baseline', runs, cachesOn, (run) => run.baseline?.[figure]),
        ratioRow(runs, figure),
      );
  }
  lines.push(...targets(runs, 'ours', (run) => run.ours));
  if (runs[0].baseline) lines.push(...targets(runs, 'baseline', (run) => run.baseline ?? {}));
  return `${lines.join('\n')}\n`;
}

/** The targets, all with every answer computed, and what the caches save on the morning's traffic. */
function targets(runs: Run[], build: string, of: (run: Run) => Partial<Record<Figure, Measured>>): string[] {
  const lines: string[] = [];
  const m = (figure: Figure, pick: (x: Measured, run: Run) => number) =>
    median(runs.map((run) => pick(of(run)[figure] as Measured, run)));
  const check = (met: boolean) => (met ? 'met' : 'NOT met');
  if (of(runs[0])['off year']) {
    const cb = m('off year', (x, run) => x.rps / run.b.rps);
    const p99 = m('off year', (x) => x.p99);
    const cpu = m('off year', (x) => x.cpuMs);
    lines.push(
      `${build} targets, caches off: c/b ${cb.toFixed(3)} (≥ 0.3: ${check(cb >= 0.3)}; moonshot 0.5: ${check(cb >= 0.5)})   p99 ${p99.toFixed(1)} ms (< 50: ${check(p99 < 50)})   ` +
        `API CPU ${cpu.toFixed(2)} ms per year by day (≤ 1.5: ${check(cpu <= 1.5)})`,
    );
  }
  if (of(runs[0]).trivial) {
    const cpu = m('trivial', (x) => x.cpuMs);
    lines.push(`${build} targets: API CPU ${cpu.toFixed(2)} ms per { __typename } (≤ 0.3: ${check(cpu <= 0.3)})`);
  }
  if (of(runs[0]).morning && of(runs[0])['off mix']) {
    // Both passes have one request per customer and query: the mean of the two is the morning's cost per request.
    const first = m('off mix', (x, run) => x.cpuMs / (of(run).morning as Measured).cpuMs);
    const both = m(
      'off mix',
      (x, run) => (2 * x.cpuMs) / ((of(run).morning as Measured).cpuMs + (of(run)['morning again'] as Measured).cpuMs),
    );
    lines.push(
      `${build}: the caches and the answer lane make the morning's traffic ${both.toFixed(2)}× cheaper in API CPU over both passes, ${first.toFixed(2)}× over the first (issue 16: the lane stays only at ≥ 2×)`,
    );
  }
  return lines;
}
