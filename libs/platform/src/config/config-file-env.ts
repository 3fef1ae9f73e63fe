/** Env var naming the optional yaml config file, when no app prefix is given. */
export const CONFIG_FILE_ENV = 'ORK_CONFIG_FILE';

/**
 * The env var naming an app's own config file: `ORK_API_CONFIG_FILE` for the prefix `ORK_API_`.
 * Apps sharing one environment (`npm start`, the embedded mode) each read their own file, since
 * a file's unknown keys are errors.
 */
export const configFileEnv = (envPrefix: string | undefined): string =>
  envPrefix === undefined || envPrefix === '' ? CONFIG_FILE_ENV : `${envPrefix}CONFIG_FILE`;
