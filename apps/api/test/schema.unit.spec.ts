import { readFile } from 'node:fs/promises';
import { describe, expect, it } from '@jest/globals';
import { printApiSchema } from '../src/schema/print-schema.js';

describe('schema.graphql', () => {
  it('is the schema the resolvers make (run `npm run schema -w @orkestra/api` after changing them)', async () => {
    const committed = await readFile(new URL('../schema.graphql', import.meta.url), 'utf8');
    expect(await printApiSchema()).toBe(committed);
  }, 30_000);
});
