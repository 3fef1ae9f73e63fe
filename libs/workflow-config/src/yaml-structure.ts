import { isAlias, isCollection, isMap, isNode, isPair, isScalar } from 'yaml';
import type { Alias, Document, Node } from 'yaml';

/**
 * How many nodes aliases may add to the document once expanded. A real workflow reuses a few
 * stages a few dozen times (a few thousand nodes); a "billion laughs" file nests anchors to
 * reach billions. Counting is linear in the file, so the bomb is stopped before anything expands it.
 */
export const MAX_ALIAS_EXPANSION = 100_000;

export interface YamlProblem {
  /** Offset in the source text. */
  readonly offset: number;
  readonly message: string;
}

export interface YamlStructure {
  /** Each alias's anchored node, by YAML's rule: the last anchor of that name before the alias. */
  readonly aliases: ReadonlyMap<Alias, Node>;
  readonly problems: readonly YamlProblem[];
}

/**
 * One walk over the parsed document, in source order, that does what the YAML library would
 * otherwise do in ways a hostile file can abuse: resolves aliases (reporting unknown and
 * self-containing ones at the alias), bounds their total expansion, and finds duplicate map keys
 * with a set per map (the library compares every key with every other: quadratic on a large map).
 */
export function inspectYaml(doc: Document, maxExpansion = MAX_ALIAS_EXPANSION): YamlStructure {
  const aliases = new Map<Alias, Node>();
  const problems: YamlProblem[] = [];
  const anchors = new Map<string, Node>();
  const sizes = new Map<Node, number>();
  const open = new Set<Node>();
  let nodes = 0;
  let viaAliases = 0;
  let stopped = false;

  const at = (node: Node): number => node.range?.[0] ?? 0;

  const visitAlias = (alias: Alias): void => {
    const target = anchors.get(alias.source);
    nodes += 1;
    if (target === undefined) {
      problems.push({ offset: at(alias), message: `YAML error: alias *${alias.source} has no anchor before it` });
      return;
    }
    aliases.set(alias, target);
    if (open.has(target)) {
      problems.push({ offset: at(alias), message: `YAML error: alias *${alias.source} is inside the node it names (a structure that contains itself)` });
      return;
    }
    const size = sizes.get(target) ?? 1;
    nodes += size - 1;
    viaAliases += size;
    if (viaAliases > maxExpansion) {
      problems.push({
        offset: at(alias),
        message: `YAML error: aliases expand to more than ${maxExpansion} nodes (anchors nested inside anchors); write the repeated parts out or nest fewer anchors`,
      });
      stopped = true;
    }
  };

  const visit = (value: unknown): void => {
    if (stopped) return;
    if (isAlias(value)) return visitAlias(value);
    if (!isNode(value)) return;
    if (value.anchor) anchors.set(value.anchor, value);
    const before = nodes;
    nodes += 1;
    if (isCollection(value)) {
      open.add(value);
      const keys = isMap(value) ? new Set<unknown>() : undefined;
      for (const item of value.items) {
        if (!isPair(item)) {
          visit(item);
          continue;
        }
        // `<<` may repeat: each merges another map in.
        if (keys !== undefined && isScalar(item.key) && item.key.value !== '<<') {
          if (keys.has(item.key.value)) problems.push({ offset: at(item.key), message: 'YAML syntax error: Map keys must be unique' });
          keys.add(item.key.value);
        }
        visit(item.key);
        visit(item.value);
      }
      open.delete(value);
    }
    sizes.set(value, nodes - before);
  };

  visit(doc.contents);
  return { aliases, problems };
}
