import { LogLinesResolver } from './log-lines/log-lines.resolver.js';
import { LogKeeper } from './log-keeper.service.js';
import { RunnersResolver } from './runners/runners.resolver.js';
import { TrakLogsResolver } from './trak-logs/trak-logs.resolver.js';

export const LOG_RESOLVERS = [TrakLogsResolver, LogLinesResolver, RunnersResolver];
export const LOG_SERVICES = [LogKeeper];
