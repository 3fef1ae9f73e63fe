import type { ProjectState, TrakState, UserState } from '@orkestra/domain';

/** Stream ids of the log. The part before the first `-` is the stream type (see `eventSubject`). */
const TRAK_PREFIX = 'trak-';
const PROJECT_PREFIX = 'project-';
const USER_PREFIX = 'user-';

const idOf = (prefix: string) => (streamId: string): string | undefined =>
  streamId.startsWith(prefix) && streamId.length > prefix.length ? streamId.slice(prefix.length) : undefined;

export const trakStreamId = (trakId: string): string => `${TRAK_PREFIX}${trakId}`;

/** The Trak id of a Trak stream, or undefined for any other stream. */
export const trakIdOf: (streamId: string) => string | undefined = idOf(TRAK_PREFIX);

/** Metadata every event of a Trak stream carries: its project id, for subjects and filters. */
export const trakStreamMetadata = (state: TrakState): Record<string, unknown> => (state.status === 'Initial' ? {} : { projectId: state.trak.projectId });

/** `project-<projectId>`; a project id is a slug, so its events go to `ork.evt.<projectId>.project.…`. */
export const projectStreamId = (projectId: string): string => `${PROJECT_PREFIX}${projectId}`;

/** The project id of a project stream, or undefined for any other stream. */
export const projectIdOf: (streamId: string) => string | undefined = idOf(PROJECT_PREFIX);

/** Metadata every event of a project stream carries: its project id, like a Trak's events. */
export const projectStreamMetadata = (state: ProjectState): Record<string, unknown> =>
  state.status === 'Initial' ? {} : { projectId: state.project.projectId };

export const userStreamId = (userId: string): string => `${USER_PREFIX}${userId}`;

/** The user id of a user stream, or undefined for any other stream. */
export const userIdOf: (streamId: string) => string | undefined = idOf(USER_PREFIX);

/** Metadata every event of a user stream carries: the user id (users belong to no project: `ork.evt._.user.…`). */
export const userStreamMetadata = (state: UserState): Record<string, unknown> => (state.status === 'Initial' ? {} : { userId: state.user.userId });
