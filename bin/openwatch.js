#!/usr/bin/env node
// Entry point of the `openwatch` CLI. It runs the build (dist/, made by `npm run build`, which `npm ci`
// runs as `prepare`); a development checkout without a build falls back to the TypeScript sources through
// tsx, a development dependency.
import { existsSync } from 'node:fs';

const built = new URL('../dist/cli/main.js', import.meta.url);
let main;
if (existsSync(built) && process.env.OPENWATCH_FROM_SOURCE !== '1') {
  ({ main } = await import(built.href));
} else {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    process.stderr.write('openwatch: no build found (dist/) and tsx is not installed; run `npm run build`\n');
    process.exit(1);
  }
  register();
  ({ main } = await import('../cli/main.ts'));
}
const code = await main(process.argv.slice(2));
// A command is finished when main resolves. Exit now instead of waiting for the event loop to drain
// (an SSH connection's orderly close, idle sockets): flush what was written, then go.
const flushed = (stream) => new Promise((resolve) => stream.write('', resolve));
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit(code);
