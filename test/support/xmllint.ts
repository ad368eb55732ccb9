import { existsSync } from 'node:fs';

export const XMLLINT = process.env.XMLLINT_PATH ?? '/usr/bin/xmllint';

/**
 * Why schema-validation tests skip on this machine, or undefined when they can run. Validation needs libxml2's
 * xmllint (Debian package libxml2-utils), which CI installs; a machine with only Node.js runs everything else.
 */
export const XMLLINT_MISSING: string | undefined = existsSync(XMLLINT)
  ? undefined
  : `${XMLLINT} not found: schema validation skipped (install Debian's libxml2-utils; CI does)`;
