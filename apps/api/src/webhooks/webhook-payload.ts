import type { RecordedEvent } from '@orkestra/application';
import { currentPass } from '@orkestra/domain';
import type { AttentionKind, BlockReason, KnownTrakState, TrakIntegration, TrakNotice, TrakNoticeKind } from '@orkestra/domain';

/**
 * The JSON body of a delivery. It names the Trak and says why it is announced; it carries no
 * artifact contents and no secrets (the webhook secret only signs it).
 */
export interface WebhookPayload {
  readonly kind: TrakNoticeKind;
  readonly project: { readonly id: string };
  readonly trak: {
    readonly id: string;
    /** `<project>/<trak>`: URL-safe and stable, for links into a UI or `ork` commands. */
    readonly ref: string;
    readonly title: string;
    readonly status: string;
    readonly stage: string | null;
    readonly iteration: number | null;
    readonly branch: string;
    readonly parentId: string | null;
    readonly prUrl: string | null;
  };
  readonly attention: {
    readonly kind: AttentionKind;
    readonly detail: string;
    readonly stage: string | null;
    readonly blockReason: BlockReason | null;
    readonly subtrakId: string | null;
    readonly prUrl: string | null;
  } | null;
  readonly integration: TrakIntegration | null;
  /** The event that made the notice (the last the command appended): for ordering and de-duplicating. */
  readonly event: { readonly id: string; readonly type: string; readonly at: string; readonly position: number };
}

export function webhookPayload(notice: TrakNotice, after: KnownTrakState, event: RecordedEvent): WebhookPayload {
  const { trak } = after;
  const pass = currentPass(after);
  const { attention } = notice;
  return {
    kind: notice.kind,
    project: { id: trak.projectId },
    trak: {
      id: trak.trakId,
      ref: `${trak.projectId}/${trak.trakId}`,
      title: trak.title,
      status: after.status,
      stage: pass?.stage ?? null,
      iteration: pass?.iteration ?? null,
      branch: trak.branch,
      parentId: trak.parent?.trakId ?? null,
      prUrl: trak.prUrl ?? null,
    },
    attention:
      attention === undefined
        ? null
        : {
            kind: attention.kind,
            detail: attention.detail,
            stage: attention.stage ?? null,
            blockReason: attention.blockReason ?? null,
            subtrakId: attention.subtrakId ?? null,
            prUrl: attention.prUrl ?? null,
          },
    integration: notice.integration ?? null,
    event: {
      id: event.id,
      type: event.type,
      at: typeof event.data['at'] === 'string' ? event.data['at'] : event.createdAt.toISOString(),
      position: event.streamPosition,
    },
  };
}
