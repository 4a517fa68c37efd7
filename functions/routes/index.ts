import type { AnyRoute } from '../http/route.ts';
import { health, live, ready } from './health.ts';
import { openapi } from './openapi.ts';
import { version } from './version.ts';

/** Every route the API serves. A route exists only if it is listed here. */
export const routes: AnyRoute[] = [health, version, live, ready, openapi];
