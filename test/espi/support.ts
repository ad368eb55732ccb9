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

export const iso = (seconds: number | undefined) =>
  seconds === undefined ? undefined : new Date(seconds * 1000).toISOString();

export const ATOM = 'http://www.w3.org/2005/Atom';
export const ESPI = 'http://naesb.org/espi';

/** An Atom entry for hand-made feeds (an absent `up` writes no up link). */
export function entry(self: string, up: string | undefined, related: string[], content: string): string {
  const links = [
    `<link rel="self" href="${self}"/>`,
    up ? `<link rel="up" href="${up}"/>` : '',
    ...related.map((r) => `<link rel="related" href="${r}"/>`),
  ];
  return `<entry><id>urn:uuid:${self}</id>${links.join('')}<content>${content}</content></entry>\n`;
}

export function reading(start: string, duration: string, value: string): string {
  return `<IntervalReading><timePeriod><duration>${duration}</duration><start>${start}</start></timePeriod><value>${value}</value></IntervalReading>`;
}
