import { isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Alias, Document, LineCounter, Node, Pair, YAMLMap } from 'yaml';

export type IssuePath = readonly PropertyKey[];

export interface Position {
  readonly line: number;
  readonly column: number;
}

/** `['flows', 'default', 'stages', 2, 'gate']` → `flows.default.stages[2].gate` */
export function formatPath(path: IssuePath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else {
      const key = String(segment);
      const part = /^[A-Za-z_][\w-]*$/.test(key) ? key : JSON.stringify(key);
      out += out === '' ? part : `.${part}`;
    }
  }
  return out;
}

/** A map's entries by key (the first of each name, as YAML reads it) and its `<<` merge entries. */
interface MapIndex {
  readonly pairs: Map<string, Pair>;
  readonly merges: Pair[];
}

interface Located {
  /** The key of the map entry the path ends at, when it ends at one. */
  readonly key?: Node;
  readonly value?: Node;
}

/**
 * Maps zod issue paths back to positions in the YAML source. Walks the document itself rather
 * than `doc.getIn`, because that stops at aliases (`- *work_stage`) and merge keys (`<<:`).
 * Aliases come resolved (see yaml-structure.ts) and each map's keys are indexed on first use,
 * so locating thousands of issues in a large file stays linear.
 */
export class YamlLocator {
  private readonly indexes = new WeakMap<YAMLMap, MapIndex>();

  constructor(
    private readonly doc: Document,
    private readonly lineCounter: LineCounter,
    private readonly aliases: ReadonlyMap<Alias, Node>,
  ) {}

  /** Position of the key (for map entries) or the value (for list items) the path names. */
  positionOf(path: IssuePath): Position {
    for (let depth = path.length; depth >= 0; depth -= 1) {
      const found = this.locate(path.slice(0, depth));
      const node = found?.key ?? found?.value;
      if (node?.range) return this.position(node.range[0]);
    }
    return { line: 1, column: 1 };
  }

  /**
   * For a missing key: the parent map, shown at the parent's own key when it has one
   * (`gate:`), else where the map starts (a `- name: …` list item).
   */
  positionOfMissing(path: IssuePath): Position {
    return this.positionOf(path.slice(0, -1));
  }

  private position(offset: number): Position {
    const { line, col } = this.lineCounter.linePos(offset);
    return { line, column: col };
  }

  private locate(path: IssuePath): Located | undefined {
    let current: Located = { value: this.doc.contents ?? undefined };
    for (const segment of path) {
      const node = this.resolve(current.value);
      if (isMap(node)) {
        const pair = this.findPair(node, String(segment), 0);
        if (pair === undefined) return undefined;
        current = { key: pair.key as Node, value: (pair.value ?? undefined) as Node | undefined };
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment];
        if (item === undefined) return undefined;
        current = { value: item as Node };
      } else {
        return undefined;
      }
    }
    return current;
  }

  private resolve(node: Node | undefined): Node | undefined {
    let current = node;
    for (let hops = 0; isAlias(current) && hops < 100; hops += 1) current = this.aliases.get(current);
    return current;
  }

  private indexOf(map: YAMLMap): MapIndex {
    let index = this.indexes.get(map);
    if (index === undefined) {
      index = { pairs: new Map(), merges: [] };
      for (const pair of map.items) {
        if (!isPair(pair) || !isScalar(pair.key)) continue;
        const name = String(pair.key.value);
        if (name === '<<') index.merges.push(pair);
        if (!index.pairs.has(name)) index.pairs.set(name, pair);
      }
      this.indexes.set(map, index);
    }
    return index;
  }

  private findPair(map: YAMLMap, key: string, depth: number): Pair | undefined {
    const { pairs, merges } = this.indexOf(map);
    const own = pairs.get(key);
    if (own !== undefined || depth > 10) return own;
    // `<<: *anchor` or `<<: [*a, *b]`: the key may come from a merged map.
    for (const pair of merges) {
      const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
      for (const source of sources) {
        const target = this.resolve(source as Node);
        const found = isMap(target) ? this.findPair(target, key, depth + 1) : undefined;
        if (found) return found;
      }
    }
    return undefined;
  }
}
