/**
 * Launches Debian's Chromium (`/usr/bin/chromium`, or `CHROMIUM_PATH`) through playwright-core,
 * headless, with a fresh temporary profile. When it is missing: under CI the suite fails with
 * what to install; elsewhere it is skipped with a loud notice.
 */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium } from "playwright-core";

/** The Chromium binary the browser tests drive. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Whether the browser tests can run here; throws under CI when Chromium is missing. */
export function hasChromium(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  const message = `Chromium not found at ${CHROMIUM_PATH}: apt-get install chromium (or set CHROMIUM_PATH)`;
  if (process.env.CI) throw new Error(message);
  console.warn(`\n!!! SKIPPING BROWSER TESTS: ${message}\n`);
  return false;
}

/** Launches a headless Chromium; close it in afterAll. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** artifacts/screenshots/ at the repository root, created on first use. */
export async function screenshotPath(name: string): Promise<string> {
  const dir = join(dirname(fileURLToPath(import.meta.url)), "../../artifacts/screenshots");
  await mkdir(dir, { recursive: true });
  return join(dir, name);
}
