export * from './user.values.js';
export * from './user.events.js';
export * from './user.commands.js';
export * from './user.state.js';
export * from './user.access.js';
export { evolveUser } from './user.evolve.js';
export { decideUser, userDecider } from './user.decide.js';
