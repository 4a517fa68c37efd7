import pkg from '../package.json' with { type: 'json' };

/** The OpenWatch release, from package.json. */
export const VERSION: string = pkg.version;

/** Stamped at build time where a build exists (wrangler `define`, or env on Node); "unknown" otherwise. */
export interface BuildInfo {
  version: string;
  commit: string;
  build_time: string;
}
