#!/usr/bin/env node
// The `ork` command: starts the built CLI, or says how to build it. This file is committed (not
// built) so npm links the command even on a fresh clone, before the first build.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write(`error: ork is not built yet (no ${fileURLToPath(main)}).\nRun \`npm run build\` at the root of the Orkestra checkout, then run ork again.\n`);
  process.exit(1);
}
await import(main.href);
