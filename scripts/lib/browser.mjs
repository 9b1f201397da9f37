// Chromium for the mini-program's browser tests: Debian's package, never a browser downloaded by a test tool.
import { existsSync } from 'node:fs';
import { isRoot, log, runOrFail } from './setup.mjs';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Installs Debian's chromium (and CJK fonts, so Chinese text renders in screenshots) when it is missing. */
export async function ensureChromium() {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  if (!isRoot()) {
    throw new Error(`Chromium is not installed (${CHROMIUM_PATH}) and this user cannot install it: run \`sudo apt-get install -y chromium fonts-noto-cjk\``);
  }
  log('installing Chromium and CJK fonts from Debian packages (apt-get install -y chromium fonts-noto-cjk)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await runOrFail('apt-get', ['update'], { env });
  await runOrFail('apt-get', ['install', '-y', '--no-install-recommends', 'chromium', 'fonts-noto-cjk'], { env });
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`chromium was installed but ${CHROMIUM_PATH} is missing`);
  return CHROMIUM_PATH;
}
