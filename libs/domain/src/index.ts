export * from './shared/index.js';
export * from './workflow/index.js';
export * from './trak/index.js';
export * from './pipeline/index.js';
export * from './project/index.js';
export * from './user/index.js';
