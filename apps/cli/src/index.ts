export { runCli, buildProgram, COMMANDS } from './cli.js';
export type { CliContext, CliIo, CommandModule, GlobalOptions } from './cli.js';
export { CliError } from './shell/cli-error.js';
export { EXIT } from './shell/exit-codes.js';
export type { ExitCode } from './shell/exit-codes.js';
export { loginFile, orkHome, readLogin, writeLogin } from './shell/login-store.js';
export type { Login } from './shell/login-store.js';
