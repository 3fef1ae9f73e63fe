import path from 'node:path';
import { importSourceVisitors, isInside } from '../import-sources.js';

/**
 * The domain may only import its own files: anything else (Node, frameworks, other packages,
 * `../` out of the folder) would let I/O, clocks or config leak into code that must stay pure.
 */
export const pureDomain = {
  meta: {
    type: 'problem',
    docs: { description: 'Allow only relative imports that stay inside the domain library' },
    schema: [
      {
        type: 'object',
        properties: {
          root: { type: 'string' },
          allow: { type: 'array', items: { type: 'string' } },
        },
        required: ['root'],
        additionalProperties: false,
      },
    ],
    messages: {
      outside:
        "'{{source}}' is outside libs/domain. The domain must stay pure: clock, ids, config and I/O come in on commands, not through imports.",
      dynamic:
        'This import specifier is not a constant string, so it cannot be checked. The domain must stay pure: import only its own files by relative path.',
    },
  },
  create(context) {
    const [{ root, allow = [] }] = context.options;
    const dir = path.dirname(context.physicalFilename);
    return importSourceVisitors((source, node) => {
      if (source === undefined) return context.report({ node, messageId: 'dynamic' });
      if (allow.includes(source)) return;
      const relative = source.startsWith('./') || source.startsWith('../');
      if (relative && isInside(root, path.resolve(dir, source))) return;
      context.report({ node, messageId: 'outside', data: { source } });
    });
  },
};
