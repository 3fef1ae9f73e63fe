import { RebuildReadModelsResolver } from './rebuild-read-models/rebuild-read-models.resolver.js';

/** Operations on the installation itself (instance admins). */
export const ADMIN_RESOLVERS = [RebuildReadModelsResolver];
