import { z } from 'zod';
import { eventsAfter, lastEventId, type EventRow } from '../../core/db/sql/events.ts';
import type { Db } from '../../core/db/types.ts';
import { EVENT_KINDS, type EventKind } from '../../core/events/kinds.ts';
import { readableKinds } from '../../core/events/visibility.ts';
import { principalOf } from '../auth/principal.ts';
import { ApiError, jsonResponse } from '../http/errors.ts';
import { pageLimit } from '../http/page.ts';
import { defineRoute } from '../http/route.ts';

const eventId = z.string().regex(/^\d{1,19}$/, 'an event id');
const KINDS = Object.keys(EVENT_KINDS) as [EventKind, ...EventKind[]];
/** A stream lives this long, then ends; the browser reconnects with Last-Event-ID and is authenticated again. */
const STREAM_MAX_MS = 5 * 60_000;
const STREAM_POLL_MS = 1_000;
const KEEPALIVE_MS = 15_000;
/** EventSource reconnect delay we ask for; on workerd it is the polling interval. */
const RETRY_MS = 2_000;

const eventSchema = z.object({
  id: z.string(),
  kind: z.string(),
  occurred_at: z.string(),
  host_id: z.string().nullable(),
  rule_id: z.string().nullable(),
  severity: z.string().nullable(),
  link: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
});

function eventView(e: EventRow): z.infer<typeof eventSchema> {
  return {
    id: e.id,
    kind: e.kind,
    occurred_at: e.occurred_at.toISOString(),
    host_id: e.host_id,
    rule_id: e.rule_id,
    severity: e.severity,
    link: e.link,
    data: e.data,
  };
}

const filterQuery = {
  host_id: z.uuid().optional(),
  kind: z
    .array(z.enum(KINDS))
    .or(z.enum(KINDS).transform((k) => [k]))
    .optional(),
};

/** The kinds to read: what the caller may see, narrowed by the `kind` filter. */
function kindsFor(ctx: { principal: Parameters<typeof principalOf>[0]['principal'] }, wanted?: EventKind[]) {
  const allowed = readableKinds(principalOf(ctx).permissions);
  return wanted ? allowed.filter((k) => wanted.includes(k)) : allowed;
}

export const listEventsRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/events',
  permission: 'authenticated',
  summary:
    'Events after an id, oldest first, only of kinds the caller may read (polling; the live stream’s equivalent on workerd). next_after is the id to ask after next',
  tags: ['events'],
  query: z.object({ after: eventId.default('0'), limit: pageLimit(100, 500), ...filterQuery }).strict(),
  responses: {
    200: {
      description: 'Events',
      schema: z.object({ items: z.array(eventSchema), next_after: z.string() }),
    },
  },
  handler: async (ctx) => {
    const kinds = kindsFor(ctx, ctx.query.kind);
    const rows =
      kinds.length === 0
        ? []
        : await eventsAfter(ctx.db, {
            after: ctx.query.after,
            limit: ctx.query.limit,
            hostId: ctx.query.host_id,
            kinds,
          });
    return jsonResponse({ items: rows.map(eventView), next_after: rows.at(-1)?.id ?? ctx.query.after });
  },
});

const encoder = new TextEncoder();
const frame = (e: EventRow) => encoder.encode(`id: ${e.id}\ndata: ${JSON.stringify(eventView(e))}\n\n`);

/**
 * Node: one open stream, polling the log every second from the last id sent, for at most five minutes.
 * workerd (no connection may outlive the request): the backlog, then the stream ends and EventSource
 * reconnects after `retry` with Last-Event-ID — server-sent events as long polling, same client code.
 */
function eventStream(
  db: Db,
  backlog: readonly EventRow[],
  from: string,
  filter: { kinds: EventKind[]; hostId?: string | undefined },
  live: boolean,
): ReadableStream<Uint8Array> {
  let after = backlog.at(-1)?.id ?? from;
  let stopped = false;
  const began = Date.now();
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(`retry: ${RETRY_MS}\n: after ${from}\n\n`));
      for (const e of backlog) controller.enqueue(frame(e));
      if (!live) controller.close();
    },
    async pull(controller) {
      let quiet = Date.now();
      while (!stopped && Date.now() - began < STREAM_MAX_MS) {
        const rows = await readEvents(db, after, filter);
        after = rows.at(-1)?.id ?? after;
        for (const e of rows) controller.enqueue(frame(e));
        if (rows.length > 0) return;
        if (Date.now() - quiet >= KEEPALIVE_MS) {
          controller.enqueue(encoder.encode(': keep-alive\n\n'));
          quiet = Date.now();
        }
        await new Promise((r) => setTimeout(r, STREAM_POLL_MS));
      }
      if (!stopped) controller.close();
    },
    cancel() {
      stopped = true;
    },
  });
}

function readEvents(
  db: Db,
  after: string,
  filter: { kinds: EventKind[]; hostId?: string | undefined },
): Promise<EventRow[]> {
  return filter.kinds.length === 0 ? Promise.resolve([]) : eventsAfter(db, { after, limit: 500, ...filter });
}

export const eventStreamRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/events/stream',
  permission: 'authenticated',
  summary:
    'Server-sent events: every new event the caller may read, resumable with Last-Event-ID (or ?after=); on workerd the backlog then reconnect (docs/events.md)',
  tags: ['events'],
  query: z.object({ after: eventId.optional(), ...filterQuery }).strict(),
  responses: { 200: { description: 'text/event-stream; each message is one event as JSON, `id:` its id' } },
  handler: async (ctx) => {
    const header = ctx.request.headers.get('last-event-id');
    if (header !== null && !eventId.safeParse(header).success)
      throw new ApiError(400, 'validation_error', 'Last-Event-ID must be an event id from this stream');
    const start = header ?? ctx.query.after ?? (await lastEventId(ctx.db));
    const filter = { kinds: kindsFor(ctx, ctx.query.kind), hostId: ctx.query.host_id };
    // Read before answering: on workerd the request's database client closes with the response.
    const backlog = await readEvents(ctx.db, start, filter);
    const body = eventStream(ctx.db, backlog, start, filter, ctx.services.runtime === 'node');
    return new Response(body, {
      headers: {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-accel-buffering': 'no',
      },
    });
  },
});
