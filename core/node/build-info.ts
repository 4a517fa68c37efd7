import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { VERSION, type BuildInfo } from '../version.ts';
import { BUILD_INFO_FILE, PROJECT_ROOT } from './paths.ts';

let cached: BuildInfo | undefined;

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .toString()
      .trim();
  } catch {
    return 'unknown';
  }
}

/**
 * The commit and build time stamped by `npm run build` (dist/build-info.json). Running from the sources
 * (a development checkout without a build) reports the checkout's commit and `unbuilt`.
 * OPENWATCH_COMMIT / OPENWATCH_BUILD_TIME override both, for packagers who build outside git.
 */
export function nodeBuildInfo(): BuildInfo {
  if (cached) return cached;
  let stamped: Partial<BuildInfo> = {};
  try {
    stamped = JSON.parse(readFileSync(BUILD_INFO_FILE, 'utf8')) as Partial<BuildInfo>;
  } catch {
    // No build: the sources are running.
  }
  cached = {
    version: VERSION,
    commit: process.env.OPENWATCH_COMMIT ?? stamped.commit ?? gitCommit(),
    build_time: process.env.OPENWATCH_BUILD_TIME ?? stamped.build_time ?? 'unbuilt',
  };
  return cached;
}
