import type { Queryable } from '@orkestra/event-store';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** A delivery as a worker holds it while it posts: its body exactly as it will be signed and sent. */
export interface ClaimedDelivery {
  readonly deliveryId: string;
  readonly projectId: string;
  readonly kind: string;
  readonly url: string;
  readonly body: string;
  /** This attempt's number (1 for the first). */
  readonly attempt: number;
  readonly secret: string | undefined;
}

/** What one attempt came to: the receiver's HTTP status when it answered, and an error unless it answered 2xx. */
export interface AttemptOutcome {
  readonly httpStatus?: number;
  readonly error?: string;
}

/** A delivery as project admins see it. */
export interface DeliveryRecord {
  readonly deliveryId: string;
  readonly trakId: string;
  readonly eventId: string;
  readonly kind: string;
  readonly url: string;
  readonly payload: Record<string, unknown>;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly lastHttpStatus: number | null;
  readonly lastError: string | null;
  readonly nextAttemptAt: Date | null;
  readonly deliveredAt: Date | null;
  readonly createdAt: Date;
}

/**
 * Claims up to `limit` due deliveries for one worker: each gets its attempt counted and a lease
 * until which no other worker (of this or another api instance) takes it. Rows other workers are
 * claiming at the same moment are skipped, not waited for.
 */
export async function claimDueDeliveries(q: Queryable, limit: number, leaseMs: number, maxAttempts: number): Promise<ClaimedDelivery[]> {
  const { rows } = await q.query<{ delivery_id: string; project_id: string; kind: string; url: string; body: string; attempts: number; secret: string | null }>(CLAIM, [
    limit,
    leaseMs / 1000,
    maxAttempts,
  ]);
  return rows.map((r) => ({
    deliveryId: r.delivery_id,
    projectId: r.project_id,
    kind: r.kind,
    url: r.url,
    body: r.body,
    attempt: r.attempts,
    secret: r.secret ?? undefined,
  }));
}

const CLAIM = `
WITH due AS (
  SELECT delivery_id FROM notify.webhook_deliveries
  WHERE status = 'pending' AND next_attempt_at <= now() AND (leased_until IS NULL OR leased_until <= now()) AND attempts < $3
  ORDER BY next_attempt_at
  LIMIT $1
  FOR UPDATE SKIP LOCKED
)
UPDATE notify.webhook_deliveries d
SET attempts = d.attempts + 1, leased_until = now() + make_interval(secs => $2)
FROM due
WHERE d.delivery_id = due.delivery_id
RETURNING d.delivery_id, d.project_id, d.kind, d.url, d.payload::text AS body, d.attempts,
  (SELECT s.secret FROM notify.webhook_secrets s WHERE s.project_id = d.project_id) AS secret`;

/**
 * Records an attempt's outcome: delivered on a 2xx answer; otherwise due again after `retryInMs`,
 * or failed for good after the last attempt. Only the worker holding this attempt may record it:
 * a worker whose lease ran out and whose delivery another worker took over changes nothing.
 */
export async function recordAttempt(q: Queryable, claimed: ClaimedDelivery, outcome: AttemptOutcome, retry: { readonly inMs: number; readonly last: boolean }): Promise<DeliveryStatus | undefined> {
  const delivered = outcome.error === undefined;
  const { rows } = await q.query<{ status: DeliveryStatus }>(
    `UPDATE notify.webhook_deliveries SET
       status = CASE WHEN $3 THEN 'delivered' WHEN $6 THEN 'failed' ELSE 'pending' END,
       delivered_at = CASE WHEN $3 THEN now() END,
       next_attempt_at = CASE WHEN $3 OR $6 THEN next_attempt_at ELSE now() + make_interval(secs => $7) END,
       last_http_status = $4, last_error = $5, leased_until = NULL
     WHERE delivery_id = $1 AND attempts = $2 AND status = 'pending'
     RETURNING status`,
    [claimed.deliveryId, claimed.attempt, delivered, outcome.httpStatus ?? null, outcome.error ?? null, retry.last, retry.inMs / 1000],
  );
  return rows[0]?.status;
}

/** Deliveries left pending with no attempt to go (their worker died holding the last one, or the limit was lowered). */
export async function failExhaustedDeliveries(q: Queryable, maxAttempts: number): Promise<number> {
  const { rowCount } = await q.query(
    `UPDATE notify.webhook_deliveries
     SET status = 'failed', leased_until = NULL, last_error = coalesce(last_error, 'no outcome was recorded for the last attempt')
     WHERE status = 'pending' AND attempts >= $1 AND (leased_until IS NULL OR leased_until <= now())`,
    [maxAttempts],
  );
  return rowCount ?? 0;
}

/** Milliseconds until the next pending delivery falls due (0 when one is due now), or undefined when none is pending. */
export async function nextDueInMs(q: Queryable): Promise<number | undefined> {
  const { rows } = await q.query<{ ms: string | null }>(
    `SELECT greatest(0, extract(epoch FROM min(greatest(next_attempt_at, coalesce(leased_until, next_attempt_at))) - now()) * 1000)::bigint AS ms
     FROM notify.webhook_deliveries WHERE status = 'pending'`,
  );
  return rows[0]?.ms == null ? undefined : Number(rows[0].ms);
}

/** A project's deliveries, newest first. */
export async function listDeliveries(q: Queryable, projectId: string, first: number): Promise<DeliveryRecord[]> {
  const { rows } = await q.query<{
    delivery_id: string;
    trak_id: string;
    event_id: string;
    kind: string;
    url: string;
    payload: Record<string, unknown>;
    status: DeliveryStatus;
    attempts: number;
    last_http_status: number | null;
    last_error: string | null;
    next_attempt_at: Date;
    delivered_at: Date | null;
    created_at: Date;
  }>(
    `SELECT delivery_id, trak_id, event_id, kind, url, payload, status, attempts, last_http_status, last_error, next_attempt_at, delivered_at, created_at
     FROM notify.webhook_deliveries WHERE project_id = $1 ORDER BY created_at DESC, delivery_id DESC LIMIT $2`,
    [projectId, first],
  );
  return rows.map((r) => ({
    deliveryId: r.delivery_id,
    trakId: r.trak_id,
    eventId: r.event_id,
    kind: r.kind,
    url: r.url,
    payload: r.payload,
    status: r.status,
    attempts: r.attempts,
    lastHttpStatus: r.last_http_status,
    lastError: r.last_error,
    nextAttemptAt: r.status === 'pending' ? r.next_attempt_at : null,
    deliveredAt: r.delivered_at,
    createdAt: r.created_at,
  }));
}

/** Replaces a project's signing secret (creating its first), and says when. */
export async function storeSecret(q: Queryable, projectId: string, secret: string): Promise<Date> {
  const { rows } = await q.query<{ created_at: Date }>(
    `INSERT INTO notify.webhook_secrets (project_id, secret) VALUES ($1, $2)
     ON CONFLICT (project_id) DO UPDATE SET secret = EXCLUDED.secret, created_at = now()
     RETURNING created_at`,
    [projectId, secret],
  );
  return rows[0]!.created_at;
}

/** The project's signing secret; `secret` becomes it when it has none. */
export async function secretOrNew(q: Queryable, projectId: string, secret: string): Promise<string> {
  await q.query('INSERT INTO notify.webhook_secrets (project_id, secret) VALUES ($1, $2) ON CONFLICT (project_id) DO NOTHING', [projectId, secret]);
  const { rows } = await q.query<{ secret: string }>('SELECT secret FROM notify.webhook_secrets WHERE project_id = $1', [projectId]);
  return rows[0]!.secret;
}
