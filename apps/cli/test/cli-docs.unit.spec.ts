import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { EXIT } from '../src/index.js';

describe('docs/cli.md', () => {
  it('documents exactly the exit codes ork uses, with the same numbers and names', async () => {
    const doc = await readFile(fileURLToPath(new URL('../../../docs/cli.md', import.meta.url)), 'utf8');
    const section = doc.slice(doc.indexOf('## Exit codes'), doc.indexOf('\n## ', doc.indexOf('## Exit codes') + 1));
    const rows = [...section.matchAll(/^\| (\d+) \| (\w+) \|/gm)].map((m) => [m[2], Number(m[1])]);
    expect(Object.fromEntries(rows)).toEqual(EXIT);
    expect(rows).toHaveLength(Object.keys(EXIT).length);
  });
});
