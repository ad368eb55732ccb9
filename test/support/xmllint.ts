import { existsSync } from 'node:fs';

export const XMLLINT = process.env.XMLLINT_PATH ?? '/usr/bin/xmllint';

/**
 * Why schema-validation tests skip on this machine, or undefined when they must run. Validation needs libxml2's
 * xmllint (Debian package libxml2-utils): a machine with only Node.js skips it and runs everything else, while in CI
 * (which installs it) a missing xmllint fails those tests instead of hiding them.
 */
export const XMLLINT_MISSING: string | undefined =
  existsSync(XMLLINT) || process.env.CI ? undefined : `${XMLLINT} not found: schema validation skipped (install Debian's libxml2-utils; CI does)`;
