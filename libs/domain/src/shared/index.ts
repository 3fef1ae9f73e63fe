export * from './message.js';
export * from './domain-error.js';
