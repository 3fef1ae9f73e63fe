import { GraphQLScalarType, Kind } from 'graphql';
import type { ValueNode } from 'graphql';

/** Any JSON value; used for event payloads in a Trak's history, which differ by event type. */
export const JsonScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'A JSON value (object, array, string, number, boolean or null).',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: function literal(node: ValueNode): unknown {
    switch (node.kind) {
      case Kind.STRING:
      case Kind.BOOLEAN:
        return node.value;
      case Kind.INT:
      case Kind.FLOAT:
        return Number(node.value);
      case Kind.OBJECT:
        return Object.fromEntries(node.fields.map((f) => [f.name.value, literal(f.value)]));
      case Kind.LIST:
        return node.values.map(literal);
      case Kind.NULL:
        return null;
      default:
        throw new TypeError(`JSON cannot represent ${node.kind}`);
    }
  },
});
