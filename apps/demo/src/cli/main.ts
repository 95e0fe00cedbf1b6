import '@tensorflow/tfjs-layers'; // registers the gradient functions tfjs-core lacks in Node
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@tfrl/backend-node-gpu';
import type { JsonValue } from '@tfrl/core';
import { listEnvs, makeEnv } from '@tfrl/envs';
import { ALGORITHMS, ALGORITHM_TABLE, type AlgorithmEntry } from '../algorithms.js';
import { UsageError, choice, floatFlag, intFlag, parseFlags } from './args.js';
import { createAgent, loadAgent, evaluate, formatEval, makeEvalEnv, readRun, trainRun, writeRun, type RunSpec } from './run.js';
import type { CliIo } from './io.js';

export type { CliIo, Writable } from './io.js';
export { UsageError } from './args.js';

export const COMMANDS = ['train', 'eval', 'resume', 'help'] as const;

const USAGE = `usage:
  tfrl train <algorithm> --env CartPole-v1 --steps 50000 --seed 1 --out runs/cartpole-dqn
                 [--preset rainbow] [--eval-every 5000] [--eval-episodes 10] [--log-every 1000]
                 [--lr X] [--batch-size N] [--buffer-size N] [--gamma X] [--envs N] [--set field=value ...]
  tfrl eval <run> [--episodes 20]
  tfrl resume <run> [--steps N]
algorithms:
${ALGORITHMS.map((name) => `  ${name.padEnd(15)}${ALGORITHM_TABLE[name]!.summary}`).join('\n')}
--set takes any field of the algorithm's config (numbers, true/false, strings, JSON: --set hiddenSizes=[64,64]).
The tfjs backend is the fastest that starts; TFRL_BACKEND=cpu|wasm|tensorflow|tensorflow-gpu forces one.
TFRL_A3C_WORKER=<path or URL> runs A3C's workers from another build of its worker script.
`;

/** Flags that set a config field under a short name. */
const FIELD_FLAGS = { lr: 'learningRate', 'batch-size': 'batchSize', 'buffer-size': 'bufferSize', gamma: 'gamma' } as const;

/** A `--set field=value`, typed by the field's default. */
function parseSetting(entry: AlgorithmEntry, text: string): [string, JsonValue] {
  const at = text.indexOf('=');
  if (at <= 0) throw new UsageError(`--set takes field=value, got '${text}'`);
  const field = text.slice(0, at);
  const raw = text.slice(at + 1);
  const fields = Object.keys(entry.defaults).filter((key) => key !== 'seed' && typeof entry.defaults[key] !== 'function');
  choice(`${entry.name} config field`, field, fields);
  const fallback = entry.defaults[field];
  if (typeof fallback === 'string') return [field, raw];
  try {
    return [field, JSON.parse(raw) as JsonValue];
  } catch {
    throw new UsageError(`--set ${field}: '${raw}' is not a ${typeof fallback === 'number' ? 'number' : typeof fallback === 'boolean' ? 'boolean' : 'JSON value'}`);
  }
}

/** Throws a UsageError when the env's actions are of a kind the algorithm cannot take. */
function checkActions(entry: AlgorithmEntry, envId: string): void {
  const env = makeEnv(envId);
  try {
    const kind = env.actionSpace.toJSON().kind;
    if (!(entry.actions as readonly string[]).includes(kind)) {
      throw new UsageError(`${entry.name} needs ${entry.actions.map((a) => (a === 'box' ? 'Box' : 'Discrete')).join(' or ')} actions; ${envId} has ${String(env.actionSpace)}`);
    }
  } finally {
    env.close?.();
  }
}

let backendReady: Promise<void> | undefined;
/** Starts the tfjs backend once per process (tests may have set one already). */
function ensureBackend(): Promise<void> {
  backendReady ??= (async () => {
    tf.enableProdMode();
    await initBackend();
  })();
  return backendReady;
}

async function train(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(
    args,
    {
      env: { type: 'string' },
      steps: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      preset: { type: 'string' },
      'eval-every': { type: 'string' },
      'eval-episodes': { type: 'string' },
      'log-every': { type: 'string' },
      lr: { type: 'string' },
      'batch-size': { type: 'string' },
      'buffer-size': { type: 'string' },
      gamma: { type: 'string' },
      set: { type: 'string', multiple: true },
      envs: { type: 'string' },
    },
    true,
  );
  const algorithm = positionals[0];
  if (algorithm === undefined) throw new UsageError(`tfrl train: name an algorithm: choose one of ${ALGORITHMS.join(', ')}`);
  choice('algorithm', algorithm, ALGORITHMS);
  if (positionals.length > 1) throw new UsageError(`unexpected argument '${positionals[1]}'`);
  const envId = values['env'];
  if (typeof envId !== 'string') throw new UsageError(`tfrl train: --env is required: choose one of ${listEnvs().join(', ')}`);
  choice('env', envId, listEnvs());
  const out = values['out'];
  if (typeof out !== 'string' || out === '') throw new UsageError('tfrl train: --out <dir> is required');
  const entry = ALGORITHM_TABLE[algorithm]!;
  checkActions(entry, envId);
  const overrides: Record<string, JsonValue> = {};
  for (const [flag, field] of Object.entries(FIELD_FLAGS)) {
    const value = flag === 'batch-size' || flag === 'buffer-size' ? intFlag(values, flag, 1) : floatFlag(values, flag);
    if (value === undefined) continue;
    if (!(field in entry.defaults)) throw new UsageError(`--${flag}: ${algorithm} has no ${field}; see its config fields with --set`);
    overrides[field] = value;
  }
  for (const text of (values['set'] as unknown as string[] | undefined) ?? []) {
    const [field, value] = parseSetting(entry, text);
    overrides[field] = value;
  }
  const presetFlag = values['preset'];
  const run: RunSpec = {
    version: 1,
    algorithm,
    env: envId,
    seed: intFlag(values, 'seed', -0x80000000) ?? 0,
    preset: choice('preset', typeof presetFlag === 'string' ? presetFlag : entry.presets[0]!, entry.presets),
    steps: intFlag(values, 'steps', 1) ?? 50_000,
    evalEvery: intFlag(values, 'eval-every', 1) ?? 5_000,
    evalEpisodes: intFlag(values, 'eval-episodes', 1) ?? 10,
    logEvery: intFlag(values, 'log-every', 1) ?? 1_000,
    overrides,
  };
  const envs = intFlag(values, 'envs', 1);
  if (envs !== undefined) run.envs = envs;
  await ensureBackend();
  const agent = createAgent(run); // validates the config before anything is written
  await writeRun(out, run);
  io.stderr.write(`tfrl: training ${algorithm}${run.preset === entry.presets[0] ? '' : ` (${run.preset})`} on ${run.env}, seed ${run.seed}, ${run.steps} steps, backend ${tf.getBackend()}\n`);
  try {
    await trainRun(agent, run, out, false, io);
  } finally {
    agent.dispose();
  }
  return 0;
}

function runDir(positionals: string[], command: string): string {
  const dir = positionals[0];
  if (dir === undefined) throw new UsageError(`tfrl ${command}: name a run directory (the --out of 'tfrl train')`);
  if (positionals.length > 1) throw new UsageError(`unexpected argument '${positionals[1]}'`);
  return dir;
}

async function evalCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(args, { episodes: { type: 'string' } }, true);
  const dir = runDir(positionals, 'eval');
  const episodes = intFlag(values, 'episodes', 1) ?? 20;
  const run = await readRun(dir);
  await ensureBackend();
  const agent = await loadAgent(run, dir);
  const env = makeEvalEnv(run.env);
  try {
    const result = evaluate(run, agent, env, episodes);
    io.stdout.write(`${formatEval(result)} over ${episodes} episodes\n`);
  } finally {
    env.close?.();
    agent.dispose();
  }
  return 0;
}

async function resume(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(args, { steps: { type: 'string' } }, true);
  const dir = runDir(positionals, 'resume');
  const run = await readRun(dir);
  const steps = intFlag(values, 'steps', 1);
  await ensureBackend();
  const agent = await loadAgent(run, dir);
  try {
    const target = steps ?? run.steps;
    if (target < agent.steps) throw new UsageError(`--steps ${target} is below the ${agent.steps} steps the run already took`);
    const resumed: RunSpec = { ...run, steps: target };
    await writeRun(dir, resumed);
    io.stderr.write(`tfrl: resuming ${run.env} at step ${agent.steps} of ${target}, backend ${tf.getBackend()}\n`);
    await trainRun(agent, resumed, dir, true, io);
  } finally {
    agent.dispose();
  }
  return 0;
}

/** Runs the `tfrl` command; resolves to the exit code (2 for a usage error, 1 for a failure). */
export async function main(argv: string[], io: CliIo): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      (command === undefined ? io.stderr : io.stdout).write(USAGE);
      return command === undefined ? 2 : 0;
    }
    switch (choice('command', command, COMMANDS)) {
      case 'train':
        return await train(rest, io);
      case 'eval':
        return await evalCommand(rest, io);
      case 'resume':
        return await resume(rest, io);
      default:
        return 2;
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`tfrl: ${error.message}\n`);
      return 2;
    }
    io.stderr.write(`tfrl: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`);
    return 1;
  }
}
