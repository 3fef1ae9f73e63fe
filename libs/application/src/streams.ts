import type { TrakState } from '@orkestra/domain';

/** Stream ids of the log. The part before the first `-` is the stream type (see `eventSubject`). */
const TRAK_PREFIX = 'trak-';

export const trakStreamId = (trakId: string): string => `${TRAK_PREFIX}${trakId}`;

/** The Trak id of a Trak stream, or undefined for any other stream. */
export const trakIdOf = (streamId: string): string | undefined => (streamId.startsWith(TRAK_PREFIX) ? streamId.slice(TRAK_PREFIX.length) : undefined);

/** Metadata every event of a Trak stream carries: its project id, for subjects and filters. */
export const trakStreamMetadata = (state: TrakState): Record<string, unknown> => (state.status === 'Initial' ? {} : { projectId: state.trak.projectId });
