export * from './workflow/index.js';
