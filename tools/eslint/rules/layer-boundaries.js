import path from 'node:path';
import { importSourceVisitors, isInside } from '../import-sources.js';

/**
 * Which layers a project may import (CONVENTIONS.md, "Dependency rules"), by the `type:` tags in
 * each project's package.json (`nx.tags`). `self` is the importing project's tag, `allowed` the
 * tags it may import, `typeOnly` those of them it may import only with `import type`. Imports of
 * `@orkestra/<name>`, and relative paths that climb into another project, are checked; other
 * packages are left to the other rules.
 */
export const layerBoundaries = {
  meta: {
    type: 'problem',
    docs: { description: "Allow imports of other projects only from the layers the importer's tag may depend on" },
    schema: [
      {
        type: 'object',
        properties: {
          self: { type: 'string' },
          allowed: { type: 'array', items: { type: 'string' } },
          typeOnly: { type: 'array', items: { type: 'string' } },
          projects: {
            type: 'array',
            items: {
              type: 'object',
              properties: { name: { type: 'string' }, dir: { type: 'string' }, tags: { type: 'array', items: { type: 'string' } } },
              required: ['name', 'dir', 'tags'],
              additionalProperties: false,
            },
          },
        },
        required: ['self', 'allowed', 'projects'],
        additionalProperties: false,
      },
    ],
    messages: {
      layer: "'{{source}}' is {{target}}, and {{self}} may depend only on {{allowed}}.",
      typeOnly: "'{{source}}' is {{target}}: {{self}} may import only its types (`import type`), so no code of it runs here.",
    },
  },
  create(context) {
    const [{ self, allowed, typeOnly = [], projects }] = context.options;
    const file = context.physicalFilename;
    const own = projects.find((p) => isInside(p.dir, file));
    const dir = path.dirname(file);
    const targetOf = (source) => {
      const pkg = /^(@orkestra\/[^/]+)/.exec(source);
      if (pkg) return projects.find((p) => p.name === pkg[1]);
      if (!source.startsWith('.')) return undefined;
      const resolved = path.resolve(dir, source);
      return projects.find((p) => isInside(p.dir, resolved));
    };
    const typeOnlyImport = (node) => {
      const parent = node.parent;
      if (parent?.type === 'TSImportType' || node.type === 'TSImportType') return true;
      if (parent?.type === 'ImportDeclaration') {
        return parent.importKind === 'type' || (parent.specifiers.length > 0 && parent.specifiers.every((s) => s.importKind === 'type'));
      }
      if (parent?.type === 'ExportNamedDeclaration' || parent?.type === 'ExportAllDeclaration') return parent.exportKind === 'type';
      return false;
    };
    return importSourceVisitors((source, node) => {
      if (source === undefined) return;
      const target = targetOf(source);
      if (target === undefined || target === own) return;
      const tag = target.tags.find((t) => t.startsWith('type:')) ?? '(untagged)';
      const data = { source, target: tag, self, allowed: allowed.join(', ') };
      if (!allowed.includes(tag)) return context.report({ node, messageId: 'layer', data });
      if (typeOnly.includes(tag) && !typeOnlyImport(node)) context.report({ node, messageId: 'typeOnly', data });
    });
  },
};
