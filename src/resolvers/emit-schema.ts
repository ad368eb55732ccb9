// Run by scripts/build.mjs: regenerates schema.graphql, the API contract the front-end teams review in diffs.
import { writeFileSync } from 'node:fs';
import { buildPortalSchema, printPortalSchema } from './build-schema';

async function main(): Promise<void> {
  const target = process.argv[2];
  if (!target) throw new Error('usage: emit-schema <file>');
  writeFileSync(target, printPortalSchema(await buildPortalSchema()));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
