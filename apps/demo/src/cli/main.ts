import '@tensorflow/tfjs-layers'; // registers the gradient functions tfjs-core lacks in Node
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@tfrl/backend-node-gpu';
import { listEnvs } from '@tfrl/envs';
import { DQN } from '@tfrl/value-based';
import { UsageError, choice, floatFlag, intFlag, parseFlags } from './args.js';
import {
  ALGORITHMS,
  PRESETS,
  checkpointDir,
  dqnConfigFor,
  evaluate,
  formatEval,
  makeEvalEnv,
  readRun,
  trainRun,
  writeRun,
  type RunSpec,
} from './dqn-run.js';
import type { CliIo } from './io.js';

export type { CliIo, Writable } from './io.js';
export { UsageError } from './args.js';

export const COMMANDS = ['train', 'eval', 'resume', 'help'] as const;

const USAGE = `usage:
  tfrl train dqn --env CartPole-v1 --steps 50000 --seed 1 --out runs/cartpole-dqn
                 [--preset rainbow] [--eval-every 5000] [--eval-episodes 10] [--log-every 1000]
                 [--lr X] [--batch-size N] [--buffer-size N] [--gamma X]
  tfrl eval <run> [--episodes 20]
  tfrl resume <run> [--steps N]
The tfjs backend is the fastest that starts; TFRL_BACKEND=cpu|wasm|tensorflow|tensorflow-gpu forces one.
`;

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
  const overrides: { -readonly [K in keyof RunSpec['overrides']]: RunSpec['overrides'][K] } = {};
  const lr = floatFlag(values, 'lr');
  if (lr !== undefined) overrides.learningRate = lr;
  const batchSize = intFlag(values, 'batch-size', 1);
  if (batchSize !== undefined) overrides.batchSize = batchSize;
  const bufferSize = intFlag(values, 'buffer-size', 1);
  if (bufferSize !== undefined) overrides.bufferSize = bufferSize;
  const gamma = floatFlag(values, 'gamma');
  if (gamma !== undefined) overrides.gamma = gamma;
  const run: RunSpec = {
    version: 1,
    algorithm: 'dqn',
    env: envId,
    seed: intFlag(values, 'seed', -0x80000000) ?? 0,
    preset: choice('preset', typeof values['preset'] === 'string' ? values['preset'] : 'default', PRESETS) as RunSpec['preset'],
    steps: intFlag(values, 'steps', 1) ?? 50_000,
    evalEvery: intFlag(values, 'eval-every', 1) ?? 5_000,
    evalEpisodes: intFlag(values, 'eval-episodes', 1) ?? 10,
    logEvery: intFlag(values, 'log-every', 1) ?? 1_000,
    overrides,
  };
  const config = dqnConfigFor(run); // validates before anything is written
  await ensureBackend();
  await writeRun(out, run);
  io.stderr.write(`tfrl: training dqn${run.preset === 'rainbow' ? ' (rainbow)' : ''} on ${run.env}, seed ${run.seed}, ${run.steps} steps, backend ${tf.getBackend()}\n`);
  const agent = new DQN(config);
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
  const agent = await DQN.load(checkpointDir(dir));
  const env = makeEvalEnv(run.env);
  try {
    const result = evaluate(agent, env, episodes);
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
  const agent = await DQN.load(checkpointDir(dir));
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
