import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesDir, sharedDir } from '../support/paths';

export const espiFixtures = join(fixturesDir, 'espi');
export const schemaDir = join(espiFixtures, 'schema');

/**
 * A sample's path: the copy in test/fixtures/espi when its licence allows one, else the workspace's shared
 * folder, else undefined (a user's clone without ../shared), and the caller skips.
 */
export function samplePath(name: string): string | undefined {
  const fixture = join(espiFixtures, 'samples', name);
  if (existsSync(fixture)) return fixture;
  const shared = sharedDir && join(sharedDir, 'data', 'espi', 'samples', name);
  return shared && existsSync(shared) ? shared : undefined;
}

export const iso = (seconds: number | undefined) => (seconds === undefined ? undefined : new Date(seconds * 1000).toISOString());
