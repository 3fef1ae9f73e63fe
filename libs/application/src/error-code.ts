/** True when `error` carries the stable `code`: `instanceof` does not survive a process boundary or a second copy of the module. */
export const hasCode = (error: unknown, code: string): boolean =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
