import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A mistake in the command line: exit code 2 with a one-line message. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** `parseArgs` in strict mode, with its errors turned into one-line UsageErrors listing the valid flags. */
export function parseFlags(args: string[], options: Options, allowPositionals: boolean): Parsed {
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals, strict: true });
    return { values: values as Parsed['values'], positionals };
  } catch (error) {
    const code = (error as { code?: string }).code;
    const message = error instanceof Error ? error.message : String(error);
    const flags = Object.keys(options)
      .map((name) => `--${name}`)
      .join(', ');
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const name = /'([^']+)'/.exec(message)?.[1] ?? '?';
      throw new UsageError(`unknown flag '${name}': choose one of ${flags}`);
    }
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      const name = /'([^']+)'/.exec(message)?.[1] ?? '?';
      throw new UsageError(`unexpected argument '${name}'`);
    }
    throw new UsageError(message.split('\n')[0]!);
  }
}

function numberFlag(name: string, text: string | boolean | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = typeof text === 'string' && text.trim() !== '' ? Number(text) : Number.NaN;
  if (!Number.isFinite(value)) throw new UsageError(`--${name} must be a number, got '${String(text)}'`);
  return value;
}

export function floatFlag(values: Parsed['values'], name: string): number | undefined {
  return numberFlag(name, values[name]);
}

export function intFlag(values: Parsed['values'], name: string, min: number): number | undefined {
  const value = numberFlag(name, values[name]);
  if (value !== undefined && (!Number.isInteger(value) || value < min)) {
    throw new UsageError(`--${name} must be an integer >= ${min}, got '${String(values[name])}'`);
  }
  return value;
}

export function choice(kind: string, value: string, choices: readonly string[]): string {
  if (!choices.includes(value)) throw new UsageError(`unknown ${kind} '${value}': choose one of ${choices.join(', ')}`);
  return value;
}
