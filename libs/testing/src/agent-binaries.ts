import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/**
 * Where the real agent CLIs installed as devDependencies live. Claude Code comes through its
 * npm wrapper. OpenCode comes as its Linux x64 binary package (the wrapper package's other
 * platform packages are not on this registry, which would break `npm ci`); on CPUs without
 * AVX2 its `-baseline` build is used, as the wrapper's own postinstall would choose.
 */
export function agentBinaries(): { claude: string; opencode: string } {
  const claude = path.join(path.dirname(require.resolve('@anthropic-ai/claude-code/package.json')), 'bin', 'claude.exe');
  return { claude, opencode: opencodeBinary() };
}

function opencodeBinary(): string {
  const avx2 = process.platform === 'linux' && /\bavx2\b/.test(readFileSync('/proc/cpuinfo', 'utf8'));
  for (const name of avx2 ? ['opencode-linux-x64', 'opencode-linux-x64-baseline'] : ['opencode-linux-x64-baseline', 'opencode-linux-x64']) {
    try {
      const binary = path.join(path.dirname(require.resolve(`${name}/package.json`)), 'bin', 'opencode');
      if (existsSync(binary)) return binary;
    } catch {
      // not installed on this platform
    }
  }
  throw new Error('No OpenCode binary installed: `npm ci` installs opencode-linux-x64 on Linux x64; elsewhere put `opencode` on PATH');
}
