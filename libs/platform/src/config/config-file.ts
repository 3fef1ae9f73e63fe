import { LineCounter, isMap, isNode, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, Node } from 'yaml';
import { ConfigError } from './config.error.js';

/** A yaml config file's text and the name used for it in messages (usually its path). */
export interface ConfigFile {
  readonly name: string;
  readonly text: string;
}

export interface ParsedConfigFile {
  readonly values: Readonly<Record<string, unknown>>;
  /** Where the key at `path` sits: `api.yaml:3:1 port`, or `api.yaml port` if it cannot be placed. */
  locate(path: readonly PropertyKey[]): string;
}

/** `port`, `limits.slots`, `runners[2].name` */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, segment) => {
    if (typeof segment === 'number') return `${out}[${segment}]`;
    return out === '' ? String(segment) : `${out}.${String(segment)}`;
  }, '');
}

/** Parses the file; a syntax error or a top level that is not a mapping is a ConfigError. */
export function parseConfigFile(file: ConfigFile): ParsedConfigFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(file.text, { lineCounter, prettyErrors: false });
  const at = (offset: number | undefined): string => {
    if (offset === undefined) return file.name;
    const { line, col } = lineCounter.linePos(offset);
    return `${file.name}:${line}:${col}`;
  };

  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((error) => ({ setting: '', source: at(error.pos[0]), message: `invalid yaml: ${firstLine(error.message)}` })),
    );
  }
  const values: unknown = doc.toJS() ?? {};
  if (typeof values !== 'object' || Array.isArray(values)) {
    throw new ConfigError([{ setting: '', source: file.name, message: 'expected a mapping of settings (key: value) at the top level' }]);
  }
  return {
    values: values as Record<string, unknown>,
    locate: (path) => [at(keyNode(doc, path)?.range?.[0]), formatPath(path)].filter((part) => part !== '').join(' '),
  };
}

/** The deepest node on `path` that exists: the key itself, or the closest parent key. */
function keyNode(doc: Document, path: readonly PropertyKey[]): Node | undefined {
  let current: unknown = doc.contents;
  let found: Node | undefined;
  for (const segment of path) {
    if (isMap(current)) {
      const pair = current.items.find((item) => String(isScalar(item.key) ? item.key.value : item.key) === String(segment));
      if (pair === undefined) break;
      if (isNode(pair.key)) found = pair.key;
      current = pair.value;
    } else if (isSeq(current) && typeof segment === 'number') {
      const item: unknown = current.items[segment];
      if (!isNode(item)) break;
      found = item;
      current = item;
    } else {
      break;
    }
  }
  return found;
}

const firstLine = (text: string): string => text.split('\n', 1)[0] ?? text;
