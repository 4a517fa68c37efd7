import { Router, type IRequest } from 'itty-router';
import type { Db } from '../core/db/types.ts';
import { DatabaseUnavailable } from '../core/db/unavailable.ts';
import { authenticate } from './auth/authenticate.ts';
import { authorize } from './auth/authorize.ts';
import type { Principal } from './auth/principal.ts';
import { ApiError, databaseUnavailable, errorResponse } from './http/errors.ts';
import { securityHeaders, withHeaders } from './http/headers.ts';
import { assertCleanHeaders } from './http/hygiene.ts';
import type { AnyRoute, AppServices, Method, RequestInfo } from './http/route.ts';
import { parsePart, readJsonBody } from './http/validate.ts';
import { routes as allRoutes } from './routes/index.ts';

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const DEFAULT_MAX_BODY = 1024 * 1024;

/** A database for one request, and how to let go of it (closing it on workerd, nothing on Node). */
export interface RequestDb {
  db: Db;
  release(): Promise<void>;
}

export interface AppOptions {
  services: AppServices;
  openDb: () => RequestDb;
  /** Defers work past the response (workerd's ctx.waitUntil); awaited inline when absent. */
  waitUntil?: (p: Promise<unknown>) => void;
  maxBodyBytes?: number;
  routes?: AnyRoute[];
  /** Called once per answered request with the matched route's template (metrics: never the raw path). */
  observe?: (o: RequestObservation) => void;
}

export interface RequestObservation {
  method: string;
  /** The declared path template (`/api/v1/hosts/:id`), or `unmatched`: raw paths would be unbounded labels. */
  route: string;
  status: number;
  seconds: number;
}

export interface App {
  /** `info` carries what only the runtime knows (the client's address); absent, the IP is `unknown`. */
  fetch(request: Request, waitUntil?: (p: Promise<unknown>) => void, info?: RequestInfo): Promise<Response>;
  routes: readonly AnyRoute[];
}

function toRegExp(path: string): RegExp {
  const body = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\?:([A-Za-z_]\w*)/g, '[^/]+');
  return new RegExp(`^${body}/?$`);
}

/** The JSON body, validated; a refusal (400) lets the route record it first (a failed sign-in). */
async function parseBody(
  route: AnyRoute,
  req: IRequest,
  maxBody: number,
  rctx: { db: Db; clientIp: string },
): Promise<unknown> {
  if (!route.body) return undefined;
  const raw = await readJsonBody(req, maxBody);
  try {
    return parsePart(route.body, raw, 'body');
  } catch (err) {
    if (err instanceof ApiError && route.onRejectedInput)
      await route.onRejectedInput({ db: rctx.db, clientIp: rctx.clientIp, body: raw, issues: err.details });
    throw err;
  }
}

export function createApp(options: AppOptions): App {
  const routes = options.routes ?? allRoutes;
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const patterns = routes.map((r) => ({ method: r.method, re: toRegExp(r.path) }));
  type Args = [ctx: { correlationId: string; db: Db; clientIp: string; route?: string }];
  const router = Router<IRequest, Args>();

  for (const route of routes) {
    router[route.method.toLowerCase() as Lowercase<Method>](route.path, async (req: IRequest, rctx) => {
      rctx.route = route.path;
      const log = options.services.log.child({ correlation_id: rctx.correlationId });
      let principal: Principal | undefined;
      assertCleanHeaders(req.headers);
      if (route.permission !== 'public') {
        // Authentication and the permission check come before any validation, so an unauthorised
        // caller learns nothing from validation errors.
        principal = await authenticate(req, {
          db: rctx.db,
          log,
          settings: options.services.identity.settings,
        });
        await authorize(route, principal, rctx.db, rctx.clientIp);
      }
      const params = parsePart(route.params, req.params, 'params');
      const query = parsePart(route.query, req.query, 'query');
      const body = await parseBody(route, req, maxBody, rctx);
      return route.handler({
        request: req,
        params,
        query,
        body,
        db: rctx.db,
        log,
        correlationId: rctx.correlationId,
        services: options.services,
        routes,
        principal,
        clientIp: rctx.clientIp,
      });
    });
  }

  const unmatched = (request: Request, correlationId: string): Response => {
    const path = new URL(request.url).pathname;
    const allowed = [...new Set(patterns.filter((p) => p.re.test(path)).map((p) => p.method))];
    if (allowed.length > 0) {
      return errorResponse(
        new ApiError(405, 'method_not_allowed', `${request.method} is not allowed here`, undefined, {
          allow: allowed.join(', '),
        }),
        correlationId,
      );
    }
    return errorResponse(new ApiError(404, 'not_found', 'no such resource'), correlationId);
  };

  return {
    routes,
    async fetch(request, waitUntil = options.waitUntil, info) {
      const started = Date.now();
      const given = request.headers.get('x-correlation-id');
      const correlationId = given && CORRELATION_ID.test(given) ? given : crypto.randomUUID();
      const handle = options.openDb();
      const rctx: Args[0] = { correlationId, db: handle.db, clientIp: info?.clientIp ?? 'unknown' };
      let response: Response;
      try {
        response =
          ((await router.fetch(request, rctx)) as Response | undefined) ?? unmatched(request, correlationId);
      } catch (err) {
        if (err instanceof ApiError) {
          response = errorResponse(err, correlationId);
        } else if (err instanceof DatabaseUnavailable) {
          options.services.log.warn('database unavailable', {
            correlation_id: correlationId,
            err: err.cause,
          });
          response = errorResponse(databaseUnavailable(), correlationId);
        } else {
          options.services.log.error('unhandled error', { correlation_id: correlationId, err });
          response = errorResponse(
            new ApiError(500, 'internal_error', 'internal server error'),
            correlationId,
          );
        }
      } finally {
        const done = handle.release();
        if (waitUntil) waitUntil(done);
        else await done;
      }
      response = withHeaders(response, {
        ...securityHeaders('api'),
        // API answers are per caller (and often per principal): no shared or browser cache may keep one
        // unless the route said otherwise.
        ...(response.headers.has('cache-control') ? {} : { 'cache-control': 'no-store' }),
        'x-correlation-id': correlationId,
      });
      const url = new URL(request.url);
      options.services.log.info('request', {
        correlation_id: correlationId,
        method: request.method,
        path: url.pathname,
        status: response.status,
        duration_ms: Date.now() - started,
      });
      options.observe?.({
        method: request.method,
        route: rctx.route ?? 'unmatched',
        status: response.status,
        seconds: (Date.now() - started) / 1000,
      });
      return response;
    },
  };
}
