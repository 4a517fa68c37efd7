import type { ChannelType } from '../../notify/channels.ts';
import type { Queryable } from '../types.ts';

export interface ChannelRow {
  id: string;
  name: string;
  type: ChannelType;
  config: Record<string, unknown>;
  secret_enc: string;
  key_version: string;
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `id::text as id, name, type, config, secret_enc, key_version, enabled, created_at, updated_at`;

export interface ChannelInput {
  id: string;
  name: string;
  type: ChannelType;
  config: Record<string, unknown>;
  secretEnc: string;
  keyVersion: string;
  enabled: boolean;
  createdBy: string | null;
}

export async function insertChannel(q: Queryable, c: ChannelInput): Promise<ChannelRow> {
  const { rows } = await q.query<ChannelRow>(
    `insert into notification_channels (id, name, type, config, secret_enc, key_version, enabled, created_by)
     values ($1, $2, $3, $4::jsonb, $5, $6, $7, $8) returning ${COLUMNS}`,
    [c.id, c.name, c.type, JSON.stringify(c.config), c.secretEnc, c.keyVersion, c.enabled, c.createdBy],
  );
  const row = rows[0];
  if (!row) throw new Error('channel insert returned nothing');
  return row;
}

export async function channelById(q: Queryable, id: string, lock = false): Promise<ChannelRow | undefined> {
  const { rows } = await q.query<ChannelRow>(
    `select ${COLUMNS} from notification_channels where id = $1 ${lock ? 'for update' : ''}`,
    [id],
  );
  return rows[0];
}

export async function listChannels(q: Queryable): Promise<ChannelRow[]> {
  const { rows } = await q.query<ChannelRow>(
    `select ${COLUMNS} from notification_channels order by lower(name), id`,
  );
  return rows;
}

/** Ids among `ids` that name no channel (for rule validation). */
export async function unknownChannelIds(q: Queryable, ids: readonly string[]): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>(
    `select i::text as id from unnest($1::uuid[]) as i
      where not exists (select 1 from notification_channels c where c.id = i)`,
    [ids],
  );
  return rows.map((r) => r.id);
}

export async function updateChannel(
  q: Queryable,
  c: Omit<ChannelInput, 'type' | 'createdBy'>,
): Promise<ChannelRow | undefined> {
  const { rows } = await q.query<ChannelRow>(
    `update notification_channels set name = $2, config = $3::jsonb, secret_enc = $4, key_version = $5,
            enabled = $6, updated_at = now()
      where id = $1 returning ${COLUMNS}`,
    [c.id, c.name, JSON.stringify(c.config), c.secretEnc, c.keyVersion, c.enabled],
  );
  return rows[0];
}

/** Deletes a channel and drops it from every rule's routing, in one statement. */
export async function deleteChannel(q: Queryable, id: string): Promise<boolean> {
  const { rows } = await q.query<{ deleted: boolean }>(
    `with d as (delete from notification_channels where id = $1 returning id),
          r as (update alert_rules set channel_ids = array_remove(channel_ids, $1::uuid)
                 where $1::uuid = any(channel_ids) and exists (select 1 from d))
     select exists (select 1 from d) as deleted`,
    [id],
  );
  return rows[0]?.deleted ?? false;
}

export interface DeliveryRow {
  id: string;
  alert_id: string | null;
  channel_id: string;
  channel_name: string;
  purpose: 'fired' | 'resolved' | 'test';
  attempt: number;
  ok: boolean;
  detail: string;
  attempted_at: Date;
}

export async function recordDelivery(
  q: Queryable,
  d: {
    alertId: string | null;
    channelId: string;
    purpose: string;
    attempt: number;
    ok: boolean;
    detail: string;
  },
): Promise<void> {
  await q.query(
    `insert into alert_deliveries (alert_id, channel_id, purpose, attempt, ok, detail)
     values ($1, $2, $3, $4, $5, left($6, 2000))`,
    [d.alertId, d.channelId, d.purpose, d.attempt, d.ok, d.detail],
  );
}

/** An alert's delivery log (or, with alertId null, a channel's test deliveries), oldest first. */
export async function listDeliveries(
  q: Queryable,
  f: { alertId: string } | { channelId: string },
): Promise<DeliveryRow[]> {
  const byAlert = 'alertId' in f;
  const { rows } = await q.query<DeliveryRow>(
    `select d.id::text as id, d.alert_id::text as alert_id, d.channel_id::text as channel_id,
            c.name as channel_name, d.purpose, d.attempt, d.ok, d.detail, d.attempted_at
       from alert_deliveries d join notification_channels c on c.id = d.channel_id
      where ${byAlert ? 'd.alert_id = $1' : 'd.channel_id = $1'}
      order by d.id limit 500`,
    [byAlert ? f.alertId : f.channelId],
  );
  return rows;
}
