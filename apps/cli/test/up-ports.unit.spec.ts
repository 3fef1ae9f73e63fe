import { CliError, EXIT, runCli } from '../src/index.js';
import { planPorts } from '../src/up/ports.js';
import { captureIo } from './support/capture-io.js';

describe("ork up's ports", () => {
  it('given the default base, then the apps keep the ports they have when each runs alone', () => {
    expect(planPorts(4100)).toEqual({ gateway: 4100, api: 4101, scheduler: 4102, runner: 4103 });
  });

  it('given 0, then every app takes a free port', () => {
    expect(planPorts(0)).toEqual({ gateway: 0, api: 0, scheduler: 0, runner: 0 });
  });

  it.each([80, 65_534, -1, 41.5])('given base %s, then it is a usage error that says what to pass', (base) => {
    const error = (() => {
      try {
        return planPorts(base);
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(EXIT.usage);
    expect((error as CliError).message).toContain(`--port ${base}`);
  });
});

describe('ork up --port on the command line', () => {
  it('given a value that is not a whole number, when run, then it names the value and exits with the usage code before starting anything', async () => {
    const io = captureIo();
    await expect(runCli(['up', '--port', 'abc'], io)).resolves.toBe(EXIT.usage);
    expect(io.err()).toContain("argument 'abc' is invalid. expected a whole number");
  });
});
