import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { printApiSchema } from './print-schema.js';

/** `npm run schema -w @orkestra/api`: rewrites apps/api/schema.graphql from the resolvers. */
const target = fileURLToPath(new URL('../../schema.graphql', import.meta.url));
await writeFile(target, await printApiSchema());
process.stdout.write(`wrote ${target}\n`);
