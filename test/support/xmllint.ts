import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { schemaDir } from '../espi/support';

export const XMLLINT = process.env.XMLLINT_PATH ?? '/usr/bin/xmllint';

/**
 * Why schema-validation tests skip on this machine, or undefined when they must run. Validation needs libxml2's
 * xmllint (Debian package libxml2-utils): a machine with only Node.js skips it and runs everything else, while in CI
 * (which installs it) a missing xmllint fails those tests instead of hiding them.
 */
export const XMLLINT_MISSING: string | undefined =
  existsSync(XMLLINT) || process.env.CI
    ? undefined
    : `${XMLLINT} not found: schema validation skipped (install Debian's libxml2-utils; CI does)`;

/** xmllint --schema on a whole file, offline through the fixtures' catalog (atom.xsd's xml.xsd import). */
export function xmllint(file: string, schema: string) {
  const r = spawnSync(XMLLINT, ['--nonet', '--noout', '--schema', join(schemaDir, schema), file], {
    encoding: 'utf8',
    env: { ...process.env, XML_CATALOG_FILES: join(schemaDir, 'catalog.xml') },
  });
  if (r.error) assert.fail(`xmllint is required for this test (Debian package libxml2-utils): ${r.error.message}`);
  return r;
}

/** Strict, offline, whole-feed validation (the callers skip where xmllint is absent, except in CI). */
export function xmllintValidate(file: string, schema: string): void {
  const r = xmllint(file, schema);
  assert.equal(
    r.status,
    0,
    `${file} does not validate against ${schema}:\n${r.stderr.split('\n').slice(0, 8).join('\n')}`,
  );
}
