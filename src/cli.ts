#!/usr/bin/env node
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config';
import { createLogger } from './logger';
import { StartupError } from './startup-error';
import type { CommandContext } from './cli/commands';
import { createOutput, failureOf, type Output } from './cli/output';
import { UsageError } from './cli/usage-error';
import { InvalidInputError } from './services/errors';

const USAGE = `usage: usage-portal <command> [options] [--json]

commands:
  serve                 API, workers and schedulers in one process (the default deployment)
  api                   GraphQL/HTTP only
  worker                job workers and schedulers only
  migrate               apply database migrations
  import <file>... [--dry-run] [--force]
                        load ESPI XML, Green Button CSV or CIM MeterReadings files and wait (--force reloads a file already loaded)
  token --role ROLE [--customer ID] [--subject SUB] [--ttl 1h]
                        mint a signed access token for local use (ROLE: CUSTOMER, CSR, ADMIN, OPS)
  extract [--since ISO] run the ODS extract, delivery and load now and wait (--since: re-extract reads received since)
  export (--usage-point ID... | --customer ID) --from ISO --to ISO [--format espi|csv|customer] [--out FILE]
                        Green Button Download My Data: ESPI XML, CSV or the customer feed, for [from, to)
  seed-demo [--customers N] [--days D]
                        (re)generate the demo ODS (default 300 customers, 365 days)
  tariffs [path]...     load URDB tariff files or directories of them now (default TARIFF_PATH)

Configuration comes from the environment: see .env.example.`;

// Each command loads only its own modules: `import` and `export` start in a fraction of the time the API, the
// queue backends and the GraphQL schema take to load (about 1.3 s of a CLI import here).
const COMMANDS: Record<string, (ctx: CommandContext) => Promise<void>> = {
  serve: async (ctx) => (await import('./cli/commands.js')).runServer('serve', ctx),
  api: async (ctx) => (await import('./cli/commands.js')).runServer('api', ctx),
  worker: async (ctx) => (await import('./cli/commands.js')).runServer('worker', ctx),
  migrate: async (ctx) => (await import('./cli/commands.js')).migrate(ctx),
  import: async (ctx) => (await import('./cli/import.js')).importCommand(ctx),
  token: async (ctx) => (await import('./cli/commands.js')).token(ctx),
  extract: async (ctx) => (await import('./cli/extract.js')).extractCommand(ctx),
  export: async (ctx) => (await import('./cli/export.js')).exportCommand(ctx),
  'seed-demo': async (ctx) => (await import('./cli/seed-demo.js')).seedDemoCommand(ctx),
  tariffs: async (ctx) => (await import('./cli/tariffs.js')).tariffsCommand(ctx),
};

function parseOptions() {
  return parseArgs({
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      role: { type: 'string' },
      customer: { type: 'string' },
      subject: { type: 'string' },
      ttl: { type: 'string' },
      since: { type: 'string' },
      customers: { type: 'string' },
      days: { type: 'string' },
      'usage-point': { type: 'string', multiple: true },
      from: { type: 'string' },
      to: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      force: { type: 'boolean', default: false },
    },
  });
}

// Before the options are parsed (a parse error), --json is looked for as the parser would find it.
let out: Output = createOutput(process.argv.slice(2).includes('--json'));

/** Anything not caught on the way: one JSON object still, with the stack on stderr. */
function unexpected(error: unknown): never {
  const failure = failureOf(error);
  out.fail({ ...failure, detail: `unexpected error: ${failure.detail ?? failure.message}` });
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions();
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }

  const { values, positionals } = parsed;
  out = createOutput(values.json ?? false);
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(command || values.help ? 0 : 2);
  }
  const run = COMMANDS[command];
  if (!run) out.fail({ message: `unknown command "${command}"\n${USAGE}`, code: 'USAGE' }, 2);
  try {
    const config = loadConfig();
    const logger = createLogger(config.logLevel, { role: command });
    await run({ config, logger, out, options: values, positionals: rest });
  } catch (error) {
    if (error instanceof ConfigError) out.fail({ message: error.message, code: 'CONFIG' });
    if (error instanceof StartupError) out.fail({ message: error.message, code: 'STARTUP' });
    throw error;
  }
}

// An error event nobody listened for, or a rejection nobody awaited, ends the command the same way.
process.on('uncaughtException', unexpected);
process.on('unhandledRejection', unexpected);
main().catch((error: unknown) => {
  // An argument a service refused is as wrong as one the parser refused.
  if (error instanceof UsageError || error instanceof InvalidInputError)
    out.fail({ message: error.message, code: 'USAGE' }, 2);
  unexpected(error);
});
