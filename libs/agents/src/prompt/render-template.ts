/** Values a stage template may use (ORKESTRA-SPEC §4.4 step 4). */
export type TemplateContext = Readonly<Record<string, string | boolean | readonly string[] | undefined>>;

const BLOCK = /\{\{#(if|unless|each)\s+([\w.]+)\s*\}\}((?:(?!\{\{#(?:if|unless|each)\s)[\s\S])*?)\{\{\/\1\}\}/;

/**
 * A small Handlebars subset, enough for the stage templates: `{{name}}`, `{{#if name}}…{{else}}…{{/if}}`,
 * `{{#unless name}}…{{/unless}}` and `{{#each list}}…{{this}}…{{/each}}`, nested blocks included.
 * Unknown names render as nothing. A template without `{{` is returned as written.
 */
export function renderTemplate(template: string, context: TemplateContext): string {
  if (!template.includes('{{')) return template;
  let text = template;
  // Innermost blocks first: the pattern refuses a body that opens another block.
  for (let match = BLOCK.exec(text); match !== null; match = BLOCK.exec(text)) {
    const [whole, kind, name = '', body = ''] = match;
    text = text.slice(0, match.index) + renderBlock(kind, context[name], body, context) + text.slice(match.index + whole.length);
  }
  return text.replace(/\{\{\{?\s*([\w.]+)\s*\}?\}\}/g, (_, name: string) => scalar(context[name]));
}

function renderBlock(kind: string | undefined, value: TemplateContext[string], body: string, context: TemplateContext): string {
  const [whenTrue, whenFalse = ''] = splitElse(body);
  switch (kind) {
    case 'if':
      return truthy(value) ? whenTrue : whenFalse;
    case 'unless':
      return truthy(value) ? whenFalse : whenTrue;
    default: {
      const items = Array.isArray(value) ? (value as readonly string[]) : [];
      if (items.length === 0) return whenFalse;
      return items.map((item) => renderTemplate(whenTrue, { ...context, this: item })).join('');
    }
  }
}

const splitElse = (body: string): [string, string?] => {
  const at = body.indexOf('{{else}}');
  return at === -1 ? [body] : [body.slice(0, at), body.slice(at + '{{else}}'.length)];
};

const truthy = (value: TemplateContext[string]): boolean =>
  Array.isArray(value) ? value.length > 0 : value !== undefined && value !== false && value !== '';

const scalar = (value: TemplateContext[string]): string =>
  value === undefined || value === false ? '' : Array.isArray(value) ? value.join(', ') : String(value);
