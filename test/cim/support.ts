import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixturesDir, sharedDir } from '../support/paths';
import { XMLLINT } from '../support/xmllint';

export const cimFixtures = join(fixturesDir, 'cim');
/** The MIT-licensed 61968-9:2013 MeterReadings profile, copied into the repository. */
export const meterReadingsXsd = join(cimFixtures, 'schema', 'MeterReadings.xsd');

/** A file under ../shared/data/cim, or undefined in a clone without the shared folder (the caller skips). */
export function sharedCim(relative: string): string | undefined {
  const path = sharedDir && join(sharedDir, 'data', 'cim', relative);
  return path && existsSync(path) ? path : undefined;
}

export const messageXsd = () => sharedCim('schema/iec61968-100/Message.xsd');
export const realReply = () => sharedCim('samples/connexo/GetUsagePointReadingsResponse.xml');
export const SHARED_MISSING =
  '../shared/data/cim not present: the 61968-100 schema and the Connexo sample may not be copied here';

/** Strict validation with xmllint; returns its complaints, empty when the document validates. */
export function xmllintErrors(xml: string, xsd: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'cim-'));
  try {
    const file = join(dir, 'doc.xml');
    writeFileSync(file, xml);
    const run = spawnSync(XMLLINT, ['--noout', '--schema', xsd, file], { encoding: 'utf8' });
    return run.status === 0 ? '' : `${run.stderr}`.trim() || `xmllint exited ${run.status}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The MeterReadings element as written, which carries its own namespace declaration so it stands alone. */
export function payloadOf(xml: string): string {
  const m = /<((?:[\w-]+:)?MeterReadings)[\s>][\s\S]*<\/\1>/.exec(xml);
  if (!m) throw new Error('no MeterReadings element in the message');
  return m[0];
}

export async function* chunksOf(text: string, size = 1000): AsyncGenerator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}
