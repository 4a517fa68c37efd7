import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ROOT } from './cli.ts';

export const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const SCREENSHOTS = join(ROOT, 'test-artifacts', 'screenshots');

/**
 * Builds the console into web/dist unless it is there. Test files run in parallel, so the build holds a
 * lock and checks again inside it.
 */
export function ensureConsoleBuilt(): void {
  if (existsSync(join(ROOT, 'web/dist/index.html'))) return;
  execFileSync(
    'flock',
    ['/tmp/openwatch-build-web.lock', 'sh', '-c', '[ -f web/dist/index.html ] || npm run build:web'],
    { cwd: ROOT, stdio: 'inherit' },
  );
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}

export interface ConsolePage {
  context: BrowserContext;
  page: Page;
  /** Messages the page logged as errors (CSP violations included). */
  errors: string[];
  shot(name: string): Promise<void>;
}

/** A fresh browser profile (own cookies) at 1280×800, trusting the test server's self-signed certificate. */
export async function openConsole(browser: Browser, base: string, who: string): Promise<ConsolePage> {
  const context = await browser.newContext({
    baseURL: base,
    ignoreHTTPSErrors: true,
    viewport: { width: 1280, height: 800 },
  });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    context,
    page,
    errors,
    shot: async (name) => {
      await page.screenshot({ path: join(SCREENSHOTS, `${who}-${name}.png`), fullPage: true });
    },
  };
}

/** Signs in through the form; `otp` answers the second step when the account has MFA. */
export async function signIn(page: Page, username: string, password: string, otp?: () => Promise<string>) {
  await page.goto('/signin');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (otp) {
    await page.getByLabel('Authentication code').fill(await otp());
    await page.getByRole('button', { name: 'Verify' }).click();
  }
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}
