import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { defineCommand, listOption, stringOption, UsageError, type CommandContext } from '../command.ts';
import { signedReportText, signReport, verifySignedReport } from '../../core/reports/signing.ts';
import { htmlToPdf } from '../../core/node/pdf.ts';
import { generateReportKey, loadReportKey, loadReportPublicKey } from '../../core/node/report-key.ts';

const MEDIA_TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.pdf': 'application/pdf',
  '.xml': 'application/xml',
  '.ckl': 'application/xml',
  '.json': 'application/json',
  '.cklb': 'application/json',
  '.csv': 'text/csv',
};

function needed(ctx: CommandContext, name: string): string {
  const v = stringOption(ctx, name);
  if (v === undefined) throw new UsageError(`--${name} is required`);
  return v;
}

function onePositional(ctx: CommandContext, what: string): string {
  const [, file, ...rest] = ctx.positionals;
  if (file === undefined || rest.length > 0) throw new UsageError(`expected one ${what}`);
  return file;
}

async function keygen(ctx: CommandContext): Promise<number> {
  const out = needed(ctx, 'output');
  const pub = await generateReportKey(out);
  await writeFile(`${out}.pub`, pub);
  ctx.stdout.write(`report key written to ${out} (mode 0600); its public key (${out}.pub):\n${pub}`);
  return 0;
}

async function sign(ctx: CommandContext): Promise<number> {
  const file = onePositional(ctx, 'report file to sign');
  const key = await loadReportKey(needed(ctx, 'key'));
  const ext = /\.[a-z]+$/.exec(file)?.[0] ?? '';
  const signed = await signReport(
    {
      kind: stringOption(ctx, 'kind') ?? 'scan',
      media_type: MEDIA_TYPES[ext] ?? 'application/octet-stream',
      filename: basename(file),
      content: new Uint8Array(await readFile(file)),
    },
    key.privateKey,
    key.rawPublicKey,
    new Date(),
  );
  const out = stringOption(ctx, 'output') ?? `${file}.signed.json`;
  await writeFile(out, signedReportText(signed));
  ctx.stdout.write(`signed ${file} → ${out} (sha256 ${signed.sha256}, key ${signed.signature.key_id})\n`);
  return 0;
}

async function verify(ctx: CommandContext): Promise<number> {
  const file = onePositional(ctx, 'signed report file');
  const trusted = await Promise.all(listOption(ctx, 'public-key').map(loadReportPublicKey));
  const r = await verifySignedReport(await readFile(file, 'utf8'), trusted);
  if (!r.ok) {
    ctx.stdout.write(`${file}: NOT VERIFIED: ${r.reason}\n`);
    return 1;
  }
  const extract = stringOption(ctx, 'output');
  if (extract !== undefined) await writeFile(extract, r.content);
  ctx.stdout.write(
    `${file}: verified: ${r.report.kind} report ${r.report.filename} of ${r.report.created_at}, signed by key ${r.keyId}` +
      (r.pinned ? ' (a trusted key)\n' : ' (give --public-key to require a key you trust)\n'),
  );
  return 0;
}

async function pdf(ctx: CommandContext): Promise<number> {
  const file = onePositional(ctx, 'HTML report');
  const out = stringOption(ctx, 'output') ?? file.replace(/\.html?$/, '') + '.pdf';
  await writeFile(out, await htmlToPdf(await readFile(file, 'utf8')));
  ctx.stdout.write(`${out}\n`);
  return 0;
}

const SUBCOMMANDS: Record<string, (ctx: CommandContext) => Promise<number>> = { keygen, sign, verify, pdf };

export default defineCommand({
  usage:
    'keygen -o KEY | sign --key KEY FILE [-o OUT] | verify FILE [--public-key PUB] | pdf FILE.html [-o OUT]',
  description:
    'keygen writes an Ed25519 report signing key (separate from the JWT key) and KEY.pub.\n' +
    'sign wraps a rendered report (HTML, PDF, XCCDF, ARF, CKL …) with its SHA-256 and a signature.\n' +
    'verify checks one offline: exit 0 when intact and signed (by a --public-key you trust, when given),\n' +
    '1 when any byte was changed; -o writes the verified content out. pdf prints an HTML report with\n' +
    'headless Chromium (OPENWATCH_CHROMIUM, default /usr/bin/chromium).',
  options: [
    { name: 'output', type: 'string', short: 'o', value: 'FILE', description: 'Where to write the result' },
    { name: 'key', type: 'string', value: 'FILE', description: 'sign: the report private key' },
    { name: 'kind', type: 'string', value: 'KIND', description: 'sign: what the report is (default scan)' },
    {
      name: 'public-key',
      type: 'string',
      multiple: true,
      value: 'FILE',
      description: 'verify: a trusted report public key (repeatable)',
    },
  ],
  async run(ctx) {
    const sub = SUBCOMMANDS[ctx.positionals[0] ?? ''];
    if (!sub) throw new UsageError(`expected a subcommand: ${Object.keys(SUBCOMMANDS).join(', ')}`);
    return sub(ctx);
  },
});
