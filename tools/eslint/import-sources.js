/**
 * Calls `check(source, node)` for every way a file can pull in another module:
 * `import`, `export … from`, `import()`, `require()`, `import x = require()` and `import('…')` types.
 * `source` is `undefined` when the specifier is not a constant string (it cannot be checked).
 * @param {(source: string | undefined, node: import('estree').Node) => void} check
 */
export function importSourceVisitors(check) {
  const fromLiteral = (node) => {
    if (node?.type === 'Literal' && typeof node.value === 'string') return node.value;
    if (node?.type === 'TemplateLiteral' && node.expressions.length === 0) return node.quasis[0].value.cooked;
    return undefined;
  };
  const onSource = (node) => {
    if (node.source) check(fromLiteral(node.source), node.source);
  };
  return {
    ImportDeclaration: onSource,
    ExportNamedDeclaration: onSource,
    ExportAllDeclaration: onSource,
    ImportExpression: (node) => check(fromLiteral(node.source), node.source),
    TSImportType: (node) => check(fromLiteral(node.source ?? node.argument?.literal), node),
    TSExternalModuleReference: (node) => check(fromLiteral(node.expression), node.expression),
    CallExpression(node) {
      if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments.length > 0) {
        check(fromLiteral(node.arguments[0]), node.arguments[0]);
      }
    },
  };
}

/** True when `child` is `parent` or lies inside it (both absolute). */
export function isInside(parent, child) {
  return child === parent || child.startsWith(parent.endsWith('/') ? parent : `${parent}/`);
}
