import { fileURLToPath } from 'node:url';

/** The rule corpus shipped with OpenWatch (`rules/`). */
export const BUNDLED_RULES_DIR = fileURLToPath(new URL('../../rules', import.meta.url));
