export * from './project.values.js';
export * from './project.events.js';
export * from './project.commands.js';
export * from './project.state.js';
export * from './project.permissions.js';
export { evolveProject } from './project.evolve.js';
export { decideProject, projectDecider } from './project.decide.js';
export { checkRemote, redactRemote, type RemoteCheck } from './git-remote.js';
export { webhookUrlAfter } from './project.webhook.js';
