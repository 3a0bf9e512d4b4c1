import type { Config } from '../config.ts';

export async function runImport(_args: string[], _config: Config): Promise<number> {
  throw new Error('not yet');
}
