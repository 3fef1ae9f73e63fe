import { layerBoundaries } from './rules/layer-boundaries.js';
import { noAppImports } from './rules/no-app-imports.js';
import { pureDomain } from './rules/pure-domain.js';

/** Local ESLint plugin for the repo's dependency rules (CONVENTIONS.md, "Dependency rules"). */
export const boundariesPlugin = {
  meta: { name: 'orkestra-boundaries' },
  rules: { 'pure-domain': pureDomain, 'no-app-imports': noAppImports, 'layer-boundaries': layerBoundaries },
};
