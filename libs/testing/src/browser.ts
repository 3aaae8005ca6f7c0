import { existsSync } from 'node:fs';

/** Debian's chromium, which playwright-core drives here (the machine cannot download a browser). */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * How browser tests launch chromium (`chromium.launch(chromiumLaunchOptions())`): headless, no
 * sandbox (root in CI), and none of its background calls home, which this closed network refuses
 * many at a time. launch() gives it a fresh, empty --user-data-dir and removes it on close.
 */
export function chromiumLaunchOptions(): { executablePath: string; args: string[] } {
  return {
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  };
}

/** For `describe(…, { skip })`: why the browser tests cannot run here, or false. */
export function withoutChromium(): string | false {
  return existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (apt-get install chromium)`;
}
