import type { UserRecord } from './user.values.js';

export type UserState =
  | { readonly status: 'Initial' }
  | { readonly status: 'Active'; readonly user: UserRecord }
  | { readonly status: 'Disabled'; readonly user: UserRecord; readonly reason?: string; readonly disabledAt: string };

export type UserStatus = UserState['status'];
export type KnownUserState = Exclude<UserState, { status: 'Initial' }>;

export const initialUserState = (): UserState => ({ status: 'Initial' });
