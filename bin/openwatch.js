#!/usr/bin/env node
// Entry point of the `openwatch` CLI. The sources are TypeScript, loaded through tsx's ESM hook so that
// a checkout runs without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
