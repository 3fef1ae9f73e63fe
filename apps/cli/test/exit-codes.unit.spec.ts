import { EXIT, runCli } from '../src/index.js';
import { captureIo } from './support/capture-io.js';

describe('ork command line', () => {
  it('given an unknown flag, when run, then it names the flag and exits with the usage code', async () => {
    const io = captureIo();
    await expect(runCli(['--no-such-flag'], io)).resolves.toBe(EXIT.usage);
    expect(io.err()).toContain("unknown option '--no-such-flag'");
    expect(io.err()).toContain('ork --help');
  });

  it('given --help, when run, then it prints the usage and exits 0', async () => {
    const io = captureIo();
    await expect(runCli(['--help'], io)).resolves.toBe(EXIT.ok);
    expect(io.out()).toContain('Usage: ork');
  });
});
