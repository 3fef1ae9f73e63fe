import { ORKESTRA_EVENT_SCHEMAS, projectIdOf } from '@orkestra/application';
import type { EventSchemas, RecordedEvent } from '@orkestra/application';
import { trakNotice, webhookUrlAfter } from '@orkestra/domain';
import type { ProjectEvent, TrakEvent } from '@orkestra/domain';
import type { Projection, Queryable } from '@orkestra/event-store';
import { TrakDecisions } from './trak-decisions.js';
import { webhookPayload } from './webhook-payload.js';
import type { WebhookPayload } from './webhook-payload.js';

/**
 * The notifier's checkpoint. It is not a read model (`read.*`): it runs in a runner of its own,
 * so a read-model rebuild can never name it, and it owns no tables a rebuild would empty.
 */
export const WEBHOOK_NOTIFIER = 'notify.webhooks';

export interface WebhookNotifierOptions {
  /** A new signing secret, for a project that gets a webhook URL and has none yet. */
  readonly newSecret: () => string;
  /** Called once a batch that recorded deliveries has committed (to wake a delivery worker). */
  readonly onEnqueued?: () => void;
  readonly schemas?: EventSchemas;
}

interface Notice {
  readonly index: number;
  readonly projectId: string;
  readonly trakId: string;
  readonly eventId: string;
  readonly payload: WebhookPayload;
}

/**
 * Reads the log and records one delivery per notice the domain's `trakNotice` calls for, for
 * projects that have a webhook URL at that point of the log. The deliveries, each project's URL
 * and the checkpoint move in one transaction, so every notice is recorded exactly once; a
 * delivery is unique per event and kind besides, so reading the log again records nothing twice.
 * Events from before webhooks were installed (`notify.log_horizon`) are followed for the URLs
 * but never announced.
 */
export class WebhookNotifier implements Projection {
  readonly name = WEBHOOK_NOTIFIER;
  readonly tables: readonly string[] = [];
  private readonly decisions: TrakDecisions;
  private horizon: number | undefined;

  constructor(private readonly options: WebhookNotifierOptions) {
    this.decisions = new TrakDecisions(options.schemas ?? ORKESTRA_EVENT_SCHEMAS);
  }

  async apply(tx: Queryable, events: readonly RecordedEvent[]): Promise<() => void> {
    const { decisions, commit } = await this.decisions.of(tx, events);
    const projectEvents = events.flatMap((event, index) => {
      const projectId = projectIdOf(event.streamId);
      return projectId === undefined ? [] : [{ index, projectId, event: { type: event.type, data: event.data } as unknown as ProjectEvent }];
    });
    if (decisions.length === 0 && projectEvents.length === 0) return commit;

    const horizon = await this.horizonOf(tx);
    const notices = decisions.flatMap((decision): Notice[] => {
      const last = decision.events[decision.events.length - 1]!;
      if (last.globalPosition <= horizon || decision.after.status === 'Initial') return [];
      const notice = trakNotice(decision.before, decision.events.map((e) => ({ type: e.type, data: e.data }) as unknown as TrakEvent), decision.after);
      if (notice === undefined) return [];
      const payload = webhookPayload(notice, decision.after, last);
      return [{ index: decision.index, projectId: payload.project.id, trakId: decision.trakId, eventId: last.id, payload }];
    });

    // Each notice goes to its project's URL as of its place in the log.
    const urls = await targetsOf(tx, [...new Set([...notices.map((n) => n.projectId), ...projectEvents.map((p) => p.projectId)])]);
    const changed = new Set<string>();
    const deliveries: (Notice & { url: string })[] = [];
    let next = 0;
    const followProjects = (until: number) => {
      for (; next < projectEvents.length && projectEvents[next]!.index < until; next++) {
        const { projectId, event } = projectEvents[next]!;
        const url = webhookUrlAfter(urls.get(projectId), event);
        if (url !== urls.get(projectId)) changed.add(projectId);
        urls.set(projectId, url);
      }
    };
    for (const notice of notices) {
      followProjects(notice.index);
      const url = urls.get(notice.projectId);
      if (url !== undefined) deliveries.push({ ...notice, url });
    }
    followProjects(Number.POSITIVE_INFINITY);

    await this.storeTargets(tx, [...changed].map((projectId) => ({ projectId, url: urls.get(projectId) })));
    const recorded = await insertDeliveries(tx, deliveries);
    return () => {
      commit();
      if (recorded > 0) this.options.onEnqueued?.();
    };
  }

  reset(): void {
    this.decisions.reset();
  }

  private async horizonOf(tx: Queryable): Promise<number> {
    if (this.horizon === undefined) {
      const { rows } = await tx.query<{ global_position: string }>('SELECT global_position FROM notify.log_horizon');
      this.horizon = Number(rows[0]?.global_position ?? 0);
    }
    return this.horizon;
  }

  /** Keeps each changed URL; a project that gets one and has no secret yet gets one, so its first delivery is signed. */
  private async storeTargets(tx: Queryable, targets: readonly { projectId: string; url: string | undefined }[]): Promise<void> {
    const set = targets.filter((t): t is { projectId: string; url: string } => t.url !== undefined);
    const cleared = targets.filter((t) => t.url === undefined).map((t) => t.projectId);
    if (set.length > 0) {
      const ids = set.map((t) => t.projectId);
      await tx.query(UPSERT_TARGETS, [ids, set.map((t) => t.url)]);
      await tx.query(ADD_MISSING_SECRETS, [ids, ids.map(() => this.options.newSecret())]);
    }
    if (cleared.length > 0) await tx.query('DELETE FROM notify.webhook_targets WHERE project_id = ANY($1::text[])', [cleared]);
  }
}

async function targetsOf(tx: Queryable, projectIds: readonly string[]): Promise<Map<string, string | undefined>> {
  const { rows } = await tx.query<{ project_id: string; url: string }>('SELECT project_id, url FROM notify.webhook_targets WHERE project_id = ANY($1::text[])', [projectIds]);
  return new Map(rows.map((r) => [r.project_id, r.url]));
}

async function insertDeliveries(tx: Queryable, deliveries: readonly (Notice & { url: string })[]): Promise<number> {
  if (deliveries.length === 0) return 0;
  const { rowCount } = await tx.query(INSERT_DELIVERIES, [
    deliveries.map((d) => d.projectId),
    deliveries.map((d) => d.trakId),
    deliveries.map((d) => d.eventId),
    deliveries.map((d) => d.payload.kind),
    deliveries.map((d) => JSON.stringify(d.payload)),
    deliveries.map((d) => d.url),
  ]);
  return rowCount ?? 0;
}

const UPSERT_TARGETS = `
INSERT INTO notify.webhook_targets (project_id, url)
SELECT * FROM unnest($1::text[], $2::text[])
ON CONFLICT (project_id) DO UPDATE SET url = EXCLUDED.url, updated_at = now()`;

const ADD_MISSING_SECRETS = `
INSERT INTO notify.webhook_secrets (project_id, secret)
SELECT * FROM unnest($1::text[], $2::text[])
ON CONFLICT (project_id) DO NOTHING`;

const INSERT_DELIVERIES = `
INSERT INTO notify.webhook_deliveries (project_id, trak_id, event_id, kind, payload, url)
SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[], $4::text[], $5::jsonb[], $6::text[])
ON CONFLICT (event_id, kind) DO NOTHING`;
