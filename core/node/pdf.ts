import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Debian's package; OPENWATCH_CHROMIUM names another build. */
export const DEFAULT_CHROMIUM = '/usr/bin/chromium';
/** A large report (thousands of rows) prints in a few seconds; this bounds a wedged browser. */
const PRINT_TIMEOUT_MS = 120_000;

/**
 * Prints an HTML document to PDF with headless Chromium's own print-to-PDF: the same layout engine
 * that shows the HTML report, with no PDF library to keep in step with it. The page is a local file
 * and the browser gets no network (the report is self-contained), in a throw-away profile.
 */
export async function htmlToPdf(
  html: string,
  chromium = process.env.OPENWATCH_CHROMIUM ?? DEFAULT_CHROMIUM,
): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'openwatch-pdf-'));
  try {
    const input = join(dir, 'report.html');
    const output = join(dir, 'report.pdf');
    await writeFile(input, html);
    const args = [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // The report needs nothing from the network; a proxy that goes nowhere makes sure it gets nothing.
      '--proxy-server=127.0.0.1:9',
      '--proxy-bypass-list=<-loopback>',
      `--user-data-dir=${join(dir, 'profile')}`,
      '--no-pdf-header-footer',
      `--print-to-pdf=${output}`,
      pathToFileURL(input).href,
    ];
    await new Promise<void>((resolve, reject) => {
      const child = spawn(chromium, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), PRINT_TIMEOUT_MS);
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(
          new Error(`cannot start ${chromium}: ${e.message} (install chromium or set OPENWATCH_CHROMIUM)`),
        );
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        if (code === 0) resolve();
        else reject(new Error(`chromium exited ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
      });
    });
    const pdf = await readFile(output);
    if (!pdf.subarray(0, 5).equals(Buffer.from('%PDF-'))) throw new Error('chromium wrote no PDF');
    return pdf;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
