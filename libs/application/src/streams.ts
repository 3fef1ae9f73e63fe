/** Stream ids of the log. The part before the first `-` is the stream type (see `eventSubject`). */
const TRAK_PREFIX = 'trak-';

export const trakStreamId = (trakId: string): string => `${TRAK_PREFIX}${trakId}`;

/** The Trak id of a Trak stream, or undefined for any other stream. */
export const trakIdOf = (streamId: string): string | undefined => (streamId.startsWith(TRAK_PREFIX) ? streamId.slice(TRAK_PREFIX.length) : undefined);
