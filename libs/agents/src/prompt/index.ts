export { assemblePrompt } from './assemble-prompt.js';
export type { PromptInputs, AssembledPrompt, ArtifactFile } from './assemble-prompt.js';
export { renderTemplate } from './render-template.js';
export type { TemplateContext } from './render-template.js';
export { ARTIFACTS_DIR, artifactPath } from './sections.js';
