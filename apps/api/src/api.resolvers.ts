import { PROJECT_RESOLVERS, PROJECT_SERVICES } from './projects/index.js';
import { TRAK_RESOLVERS, TRAK_SERVICES } from './traks/index.js';
import { USER_RESOLVERS, USER_SERVICES } from './users/index.js';

/** Every resolver of the schema: the app serves them, and `schema.graphql` is printed from them. */
export const API_RESOLVERS = [...USER_RESOLVERS, ...PROJECT_RESOLVERS, ...TRAK_RESOLVERS];

export const API_SERVICES = [...USER_SERVICES, ...PROJECT_SERVICES, ...TRAK_SERVICES];
