import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, type CliIo } from '../src/cli/main.js';

function recorder(): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (text: string) => void (out += text) },
    stderr: { write: (text: string) => void (err += text) },
    out: () => out,
    err: () => err,
  };
}

async function run(...argv: string[]) {
  const io = recorder();
  const code = await main(argv, io);
  return { code, stdout: io.out(), stderr: io.err() };
}

const previousBackend = process.env['TFRL_BACKEND'];
beforeAll(async () => {
  process.env['TFRL_BACKEND'] = 'cpu'; // initBackend inside main picks the cpu backend
  await tf.setBackend('cpu');
});
afterAll(() => {
  if (previousBackend === undefined) delete process.env['TFRL_BACKEND'];
  else process.env['TFRL_BACKEND'] = previousBackend;
});

describe('tfrl usage errors: exit 2, one line listing the choices', () => {
  const oneLine = (text: string) => {
    expect(text.trimEnd().split('\n')).toHaveLength(1);
    return text;
  };

  it('unknown command', async () => {
    const r = await run('trian');
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toContain("unknown command 'trian': choose one of train, eval, resume");
  });

  it('unknown algorithm', async () => {
    const r = await run('train', 'ddqn', '--env', 'CartPole-v1', '--out', 'x');
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/unknown algorithm 'ddqn': choose one of dqn/);
  });

  it('unknown env', async () => {
    const r = await run('train', 'dqn', '--env', 'Foo', '--out', 'x');
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/unknown env 'Foo': choose one of CartPole-v1, .*Acrobot-v1/);
  });

  it('unknown flag', async () => {
    const r = await run('train', 'dqn', '--env', 'CartPole-v1', '--out', 'x', '--learning-rate', '0.1');
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/unknown flag '--learning-rate': choose one of .*--env.*--lr/);
  });

  it('bad flag values and config validation errors', async () => {
    const steps = await run('train', 'dqn', '--env', 'CartPole-v1', '--out', 'x', '--steps', 'many');
    expect(steps.code).toBe(2);
    expect(oneLine(steps.stderr)).toContain('--steps must be a number');
    const gamma = await run('train', 'dqn', '--env', 'CartPole-v1', '--out', 'x', '--gamma', '1.5');
    expect(gamma.code).toBe(2);
    expect(oneLine(gamma.stderr)).toContain('gamma');
    const preset = await run('train', 'dqn', '--env', 'CartPole-v1', '--out', 'x', '--preset', 'best');
    expect(preset.code).toBe(2);
    expect(oneLine(preset.stderr)).toContain("unknown preset 'best': choose one of default, rainbow");
  });

  it('--set fields: unknown field, malformed, wrong type, out of range', async () => {
    const unknown = await run('train', 'dqn', '--env', 'CartPole-v1', '--out', 'x', '--set', 'nSteps=3');
    expect(unknown.code).toBe(2);
    expect(oneLine(unknown.stderr)).toMatch(/unknown dqn config field 'nSteps': choose one of .*learningRate/);
    const malformed = await run('train', 'dqn', '--env', 'CartPole-v1', '--out', 'x', '--set', 'learningRate');
    expect(oneLine(malformed.stderr)).toContain("--set takes field=value, got 'learningRate'");
    const wrongType = await run('train', 'dqn', '--env', 'CartPole-v1', '--out', 'x', '--set', 'learningRate=fast');
    expect(oneLine(wrongType.stderr)).toContain("--set learningRate: 'fast' is not a number");
    const range = await run('train', 'dqn', '--env', 'CartPole-v1', '--out', 'x', '--set', 'hiddenSizes=[0]');
    expect(range.code).toBe(2);
    expect(oneLine(range.stderr)).toContain('hiddenSizes[0] must be an integer >= 1');
  });

  it('an env whose actions the algorithm cannot take', async () => {
    const r = await run('train', 'dqn', '--env', 'Pendulum-v1', '--out', 'x');
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/dqn needs Discrete actions; Pendulum-v1 has Box/);
  });

  it('eval of a directory without a run', async () => {
    const r = await run('eval', join(tmpdir(), 'tfrl-no-such-run'));
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toContain('run.json is missing');
  });
});

describe('tfrl train / eval / resume', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tfrl-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('trains, logs, evaluates, checkpoints; eval loads it; resume continues', async () => {
    const train = await run(
      'train', 'dqn', '--env', 'CartPole-v1', '--steps', '600', '--seed', '1', '--out', dir,
      '--eval-every', '300', '--eval-episodes', '2', '--log-every', '100', '--batch-size', '32',
    );
    expect(train.stderr).toContain('600/600 steps');
    expect(train.code).toBe(0);
    expect(train.stdout).toMatch(/step 300: eval -?\d+\.\d+ ± \d+\.\d+/);
    expect(train.stdout).toMatch(/step 600: eval /);

    const runJson = JSON.parse(await readFile(join(dir, 'run.json'), 'utf8'));
    expect(runJson).toMatchObject({ algorithm: 'dqn', env: 'CartPole-v1', seed: 1, steps: 600, evalEvery: 300, overrides: { batchSize: 32 } });

    const lines = (await readFile(join(dir, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(typeof line.step).toBe('number');
    expect(lines.some((l) => l.step === 300 && 'eval_mean_return' in l)).toBe(true);
    const csv = (await readFile(join(dir, 'metrics.csv'), 'utf8')).split('\n');
    expect(csv[0]).toMatch(/^step,/);
    expect(csv[0]).toContain('eval_mean_return');
    expect((await stat(join(dir, 'checkpoint'))).isDirectory()).toBe(true);

    const evaluated = await run('eval', dir, '--episodes', '3');
    expect(evaluated.stderr).toBe('');
    expect(evaluated.code).toBe(0);
    expect(evaluated.stdout).toMatch(/^-?\d+\.\d+ ± \d+\.\d+ over 3 episodes\n$/);

    const resumed = await run('resume', dir, '--steps', '900');
    expect(resumed.stderr).not.toMatch(/^tfrl: (?!resuming)/m);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain('at step 600 of 900');
    expect(resumed.stdout).toMatch(/step 900: eval /);
    expect(JSON.parse(await readFile(join(dir, 'run.json'), 'utf8')).steps).toBe(900);
    const after = (await readFile(join(dir, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(Math.max(...after.map((l) => l.step))).toBe(900);
    expect(after.length).toBeGreaterThan(lines.length);
  });
});

/** A short run of every algorithm through the command: [algorithm, env, extra flags]. */
const SHORT_RUNS: [string, string, string[]][] = [
  ['a2c', 'CartPole-v1', ['--steps', '240', '--envs', '2', '--set', 'hiddenSizes=[16]']],
  ['trpo', 'CartPole-v1', ['--steps', '256', '--envs', '2', '--set', 'nSteps=32', '--set', 'hiddenSizes=[16]', '--set', 'valueBatchSize=32']],
  ['trpo', 'Pendulum-v1', ['--steps', '128', '--envs', '2', '--preset', 'npg', '--set', 'nSteps=32', '--set', 'hiddenSizes=[16]', '--set', 'valueBatchSize=32']],
  ['reinforce', 'CartPole-v1', ['--steps', '300', '--envs', '2', '--set', 'hiddenSizes=[16]', '--set', 'episodesPerUpdate=2']],
  ['actor-critic', 'Acrobot-v1', ['--steps', '240', '--envs', '2', '--set', 'hiddenSizes=[16]']],
  ['recurrent-ppo', 'CartPole-v1', ['--steps', '256', '--envs', '2', '--set', 'nSteps=32', '--set', 'hiddenSize=8', '--set', 'nEpochs=2']],
  ['a3c', 'CartPole-v1', ['--steps', '200', '--set', 'numWorkers=2', '--set', 'hiddenSizes=[16]', '--set', 'workerBackend=cpu']],
  ['ppo', 'CartPole-v1', ['--steps', '256', '--envs', '2', '--set', 'nSteps=32', '--set', 'hiddenSizes=[16]', '--batch-size', '32', '--set', 'nEpochs=2']],
  ['ppo', 'Pendulum-v1', ['--steps', '128', '--envs', '2', '--set', 'nSteps=32', '--set', 'hiddenSizes=[16]', '--batch-size', '32', '--set', 'nEpochs=2']],
  ['sac', 'Pendulum-v1', ['--steps', '240', '--set', 'learningStarts=100', '--batch-size', '16', '--set', 'hiddenSizes=[16]']],
  ['off-policy-ac', 'Pendulum-v1', ['--steps', '240', '--set', 'learningStarts=100', '--batch-size', '16', '--set', 'hiddenSizes=[16]']],
  ['td3', 'Pendulum-v1', ['--steps', '240', '--set', 'learningStarts=100', '--batch-size', '16', '--set', 'hiddenSizes=[16]']],
  ['ddpg', 'MountainCarContinuous-v0', ['--steps', '240', '--set', 'learningStarts=100', '--batch-size', '16', '--set', 'hiddenSizes=[16]']],
];

describe('every algorithm through the command', () => {
  let root = '';
  const previousWorker = process.env['TFRL_A3C_WORKER'];
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'tfrl-cli-all-'));
    // These tests run the command from its sources; A3C's worker threads need the built script.
    process.env['TFRL_A3C_WORKER'] = fileURLToPath(new URL('../../../packages/policy-gradient/dist/a3c-worker.js', import.meta.url));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
    if (previousWorker === undefined) delete process.env['TFRL_A3C_WORKER'];
    else process.env['TFRL_A3C_WORKER'] = previousWorker;
  });

  it.each(SHORT_RUNS)('%s on %s: train, eval, resume', async (algorithm, env, flags) => {
    const dir = join(root, `${algorithm}-${env}-${flags.join('').length}`);
    const steps = Number(flags[flags.indexOf('--steps') + 1]);
    const train = await run('train', algorithm, '--env', env, '--seed', '3', '--out', dir, '--eval-every', String(steps), '--eval-episodes', '1', ...flags);
    expect(train.stderr).not.toMatch(/^tfrl: (?!training)/m);
    expect(train.code).toBe(0);
    expect(train.stdout).toMatch(/steps in \d+\.\d s \(\d+ steps\/s\)/);
    expect(train.stdout).toMatch(new RegExp(`step ${steps}: eval `));
    const evaluated = await run('eval', dir, '--episodes', '1');
    expect(evaluated.code).toBe(0);
    expect(evaluated.stdout).toMatch(/over 1 episodes/);
    const resumed = await run('resume', dir, '--steps', String(2 * steps));
    expect(resumed.stderr).not.toMatch(/^tfrl: (?!resuming)/m);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(new RegExp(`saved .* at step ${2 * steps}`));
  });

  it('refuses an env whose actions the algorithm cannot take, and flags it has no field for', async () => {
    const box = await run('train', 'td3', '--env', 'CartPole-v1', '--out', join(root, 'x'));
    expect(box.code).toBe(2);
    expect(box.stderr).toMatch(/td3 needs Box actions; CartPole-v1 has Discrete/);
    const field = await run('train', 'a2c', '--env', 'CartPole-v1', '--out', join(root, 'x'), '--buffer-size', '10');
    expect(field.code).toBe(2);
    expect(field.stderr).toContain('--buffer-size: a2c has no bufferSize');
  });
});
