import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { repoRoot } from './paths';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const artifactsDir = join(repoRoot, 'artifacts');

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM);
}

/** In a describe: without Chromium, registers one skipped test saying why and returns true (the caller returns). */
export function skippedWithoutChromium(): boolean {
  if (chromiumAvailable()) return false;
  it('is skipped: no Chromium', (t) => t.skip(`${CHROMIUM} not found (Debian package chromium); CI installs it`));
  return true;
}

// Flags for a sandboxed machine with no network: without the background-networking ones Chromium keeps trying to
// reach Google's hosts, which this environment refuses.
export async function launchChromium(): Promise<Browser> {
  mkdirSync(artifactsDir, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
