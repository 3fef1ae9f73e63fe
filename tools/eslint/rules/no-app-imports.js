import path from 'node:path';
import { importSourceVisitors, isInside } from '../import-sources.js';

/**
 * Apps talk to each other over the bus, never by importing each other's code; libraries never
 * import apps at all. `self` is the app that owns the file (omit it for libraries).
 */
export const noAppImports = {
  meta: {
    type: 'problem',
    docs: { description: 'Forbid importing an app from another app or from a library' },
    schema: [
      {
        type: 'object',
        properties: {
          appsDir: { type: 'string' },
          apps: { type: 'array', items: { type: 'string' } },
          self: { type: 'string' },
        },
        required: ['appsDir', 'apps'],
        additionalProperties: false,
      },
    ],
    messages: {
      otherApp:
        "'{{source}}' imports the app '{{app}}'. Apps must not import each other (or be imported by libraries): talk over the bus, or move shared code into a library.",
    },
  },
  create(context) {
    const [{ appsDir, apps, self }] = context.options;
    const dir = path.dirname(context.physicalFilename);
    const appOf = (source) => {
      const pkg = /^@orkestra\/([^/]+)/.exec(source);
      if (pkg) return apps.includes(pkg[1]) ? pkg[1] : undefined;
      if (!source.startsWith('.')) return undefined;
      const target = path.resolve(dir, source);
      if (!isInside(appsDir, target) || target === appsDir) return undefined;
      return path.relative(appsDir, target).split(path.sep)[0];
    };
    return importSourceVisitors((source, node) => {
      const app = source === undefined ? undefined : appOf(source);
      if (app !== undefined && app !== self) context.report({ node, messageId: 'otherApp', data: { source, app } });
    });
  },
};
