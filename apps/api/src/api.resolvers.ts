import { ADMIN_RESOLVERS } from './admin/index.js';
import { LOG_RESOLVERS, LOG_SERVICES } from './logs/index.js';
import { PROJECT_RESOLVERS, PROJECT_SERVICES } from './projects/index.js';
import { TRAK_RESOLVERS, TRAK_SERVICES } from './traks/index.js';
import { USER_RESOLVERS, USER_SERVICES } from './users/index.js';
import { WEBHOOK_RESOLVERS, WEBHOOK_SERVICES } from './webhooks/index.js';

/** Every resolver of the schema: the app serves them, and `schema.graphql` is printed from them. */
export const API_RESOLVERS = [...USER_RESOLVERS, ...PROJECT_RESOLVERS, ...TRAK_RESOLVERS, ...WEBHOOK_RESOLVERS, ...LOG_RESOLVERS, ...ADMIN_RESOLVERS];

export const API_SERVICES = [...USER_SERVICES, ...PROJECT_SERVICES, ...TRAK_SERVICES, ...WEBHOOK_SERVICES, ...LOG_SERVICES];
