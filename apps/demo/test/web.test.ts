// End-to-end test of the browser page in real headless Chromium (Debian's `chromium`, driven by
// playwright-core): it builds the page, serves it, trains DQN on CartPole in the page's Web
// Worker, compares the first 1,000 steps of training metrics with the same session run here in
// Node (cpu backend, same seed), saves the agent to IndexedDB and loads it back after a reload,
// plays a run trained by the `tfrl` command, downloads a run the command can evaluate, and finds
// no console errors. A screenshot goes to apps/demo/test-output/.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';
import { unzipFiles, zipFiles, type Metrics } from '@tfrl/core';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, type CliIo } from '../src/cli/main.js';
import { createSessionAgent, runSession, type EpisodeRecord, type SessionSpec } from '../src/session.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
// In CI the browser is installed by .ci/run: a missing browser there is a failure, not a skip.
const run = haveChromium || process.env['CI'] ? describe : describe.skip;

const demoDir = fileURLToPath(new URL('..', import.meta.url));
const webOut = join(demoDir, 'dist-web');
const testOutput = join(demoDir, 'test-output');

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.json': 'application/json' };

function serve(root: string): Promise<{ server: Server; url: string }> {
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    const file = join(root, path === '/' ? 'index.html' : path);
    if (relative(root, file).startsWith('..')) {
      response.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/` })));
}

const quiet: CliIo = { stdout: { write: () => undefined }, stderr: { write: () => undefined } };

/** The session both sides run: DQN on CartPole with updates from step 200, cpu backend. */
const SPEC: SessionSpec = {
  algorithm: 'dqn',
  env: 'CartPole-v1',
  seed: 7,
  config: { learningStarts: 200, trainFrequency: 16, gradientSteps: 4, batchSize: 32 },
  steps: 1_000,
};

async function nodeTrace(): Promise<{ updates: { step: number; metrics: Metrics }[]; episodes: EpisodeRecord[] }> {
  const previous = tf.getBackend();
  await tf.setBackend('cpu');
  const agent = createSessionAgent(SPEC);
  const trace = { updates: [] as { step: number; metrics: Metrics }[], episodes: [] as EpisodeRecord[] };
  try {
    await runSession(agent, SPEC, {
      onUpdate: (step, metrics) => void trace.updates.push({ step, metrics: { ...metrics } }),
      onEpisode: (episode) => void trace.episodes.push(episode),
    });
  } finally {
    agent.dispose();
    if (previous !== undefined) await tf.setBackend(previous);
  }
  return trace;
}

run('the browser page', () => {
  let browser: Browser;
  let server: Server;
  let url = '';
  let dir = '';
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    const { build } = await import('vite');
    await build({ configFile: join(demoDir, 'vite.config.ts'), logLevel: 'warn' });
    ({ server, url } = await serve(webOut));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    dir = await mkdtemp(join(tmpdir(), 'tfrl-web-'));
    await mkdir(testOutput, { recursive: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  async function openPage(context: Awaited<ReturnType<Browser['newContext']>>): Promise<Page> {
    const page = await context.newPage();
    page.on('console', (message) => {
      // Warnings count too (tfjs reports failed kernels as warnings), except the one this
      // test causes itself by reading the canvas back more than once.
      const ownProbe = /willReadFrequently/.test(message.text());
      if (message.type() === 'error' || (message.type() === 'warning' && !ownProbe)) consoleErrors.push(`${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    await page.goto(url);
    await page.waitForFunction(() => document.getElementById('status')?.textContent?.startsWith('Ready'), undefined, { timeout: 60_000 });
    return page;
  }

  const number = async (page: Page, id: string): Promise<number> => Number(await page.textContent(`#${id}`));

  it('trains DQN live, matches Node step for step, saves and reloads the agent, and trades runs with the tfrl command', async () => {
    const context = await browser.newContext({ acceptDownloads: true });
    let page = await openPage(context);
    expect(await page.$$eval('#backend option', (options) => options.map((o) => (o as HTMLOptionElement).value))).toContain('cpu');

    // An invalid config value is refused with a message naming the field.
    await page.selectOption('#env', 'CartPole-v1');
    await page.selectOption('#algorithm', 'dqn');
    await page.click('#config-details summary'); // the config form is folded away by default
    await page.fill('input[name=gamma]', '1.5');
    await page.click('#start');
    await page.waitForFunction(() => /gamma/.test(document.getElementById('error')?.textContent ?? ''));
    await page.fill('input[name=gamma]', 'abc');
    await page.click('#start');
    await page.waitForFunction(() => /gamma must be a number/.test(document.getElementById('error')?.textContent ?? ''));
    await page.fill('input[name=gamma]', '0.99');

    // The parity session: DQN, CartPole, cpu, seed 7, 1,000 steps.
    await page.selectOption('#backend', 'cpu');
    await page.fill('#seed', String(SPEC.seed));
    await page.fill('#steps', String(SPEC.steps));
    for (const [field, value] of Object.entries(SPEC.config)) await page.fill(`input[name=${field}]`, String(value));
    await page.click('#start');
    await page.waitForFunction(() => Number(document.getElementById('step')?.textContent) > 0, undefined, { timeout: 60_000 });
    const early = await number(page, 'step');
    await page.waitForFunction(() => /^Finished 1000 steps/.test(document.getElementById('status')?.textContent ?? ''), undefined, { timeout: 120_000 });
    expect(await number(page, 'step')).toBeGreaterThan(early);
    expect(await number(page, 'step')).toBe(1_000);
    // The return chart has a point per finished episode.
    const episodes = await number(page, 'episodes');
    expect(episodes).toBeGreaterThan(5);
    await page.waitForTimeout(400); // the charts redraw every 250 ms
    expect(await page.$$eval('#return-chart canvas', (canvases) => canvases.length)).toBeGreaterThan(0);
    await page.screenshot({ path: join(testOutput, 'web-e2e-trained.png'), fullPage: true });

    const pageTrace = await page.evaluate(() => (window as unknown as { tfrl: { trace(): Promise<unknown> } }).tfrl.trace());
    const expected = await nodeTrace();
    expect(expected.updates.length).toBeGreaterThan(100);
    expect(pageTrace).toEqual(expected);

    // Save to IndexedDB, reload the page, load it back and watch it play.
    await page.fill('#save-name', 'e2e-agent');
    await page.click('#save');
    await page.waitForFunction(() => /^Saved 'e2e-agent' \(step 1000\)/.test(document.getElementById('status')?.textContent ?? ''));
    await page.reload();
    await page.waitForFunction(() => document.getElementById('status')?.textContent?.startsWith('Ready'));
    await page.fill('#save-name', 'e2e-agent');
    await page.click('#load');
    await page.waitForFunction(() => /^Loaded 'e2e-agent': dqn on CartPole-v1, trained 1000 steps/.test(document.getElementById('status')?.textContent ?? ''));
    await page.click('#play');
    await page.waitForFunction(() => Number(document.getElementById('step')?.textContent) >= 5, undefined, { timeout: 30_000 });
    await page.screenshot({ path: join(testOutput, 'web-e2e-playing.png'), fullPage: true });
    await page.click('#stop');
    await page.waitForFunction(() => /^Stopped/.test(document.getElementById('status')?.textContent ?? ''));

    // Download: a zip of a run directory that `tfrl eval` reads.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    const archive = join(dir, 'from-page.zip');
    await download.saveAs(archive);
    const pageRun = join(dir, 'from-page');
    for (const [path, bytes] of await unzipFiles(new Uint8Array(await readFile(archive)))) {
      await mkdir(join(pageRun, path, '..'), { recursive: true });
      await writeFile(join(pageRun, path), bytes);
    }
    let out = '';
    const evaluated = await main(['eval', pageRun, '--episodes', '2'], { stdout: { write: (t: string) => void (out += t) }, stderr: { write: () => undefined } });
    expect(evaluated).toBe(0);
    expect(out).toMatch(/over 2 episodes/);

    // Upload: a run trained by the command plays in the page.
    const cliRun = join(dir, 'from-cli');
    expect(await main(['train', 'dqn', '--env', 'CartPole-v1', '--steps', '300', '--seed', '2', '--out', cliRun, '--eval-every', '300', '--eval-episodes', '1'], quiet)).toBe(0);
    const files = new Map<string, Uint8Array>();
    const walk = async (folder: string): Promise<void> => {
      for (const name of await readdir(folder)) {
        const path = join(folder, name);
        if ((await stat(path)).isDirectory()) await walk(path);
        else files.set(relative(cliRun, path), new Uint8Array(await readFile(path)));
      }
    };
    await walk(cliRun);
    await writeFile(join(dir, 'from-cli.zip'), zipFiles(files));
    page = await openPage(context);
    await page.setInputFiles('#upload-zip', join(dir, 'from-cli.zip'));
    await page.waitForFunction(() => /^Loaded 'upload': dqn on CartPole-v1, trained 300 steps/.test(document.getElementById('status')?.textContent ?? ''));
    await page.click('#play');
    await page.waitForFunction(() => Number(document.getElementById('step')?.textContent) >= 5, undefined, { timeout: 30_000 });
    await page.click('#stop');

    await context.close();
    expect(consoleErrors).toEqual([]);
  }, 300_000);

  it('draws every env while an algorithm of each action kind trains on it, with pause and resume', async () => {
    const context = await browser.newContext();
    const page = await openPage(context);
    await page.selectOption('#backend', 'wasm');
    const sessions: [string, string, string][] = [
      ['GridWorld-v0', 'dqn', '600'],
      ['Acrobot-v1', 'a2c', '400'],
      ['MountainCar-v0', 'ppo', '400'],
      ['Pendulum-v1', 'sac', '300'],
    ];
    for (const [env, algorithm, steps] of sessions) {
      await page.selectOption('#env', env);
      await page.selectOption('#algorithm', algorithm);
      await page.fill('#steps', steps);
      await page.click('#start');
      // On-policy agents finish the rollout they began, so a run may end a little past its budget.
      await page.waitForFunction((n) => /^Finished/.test(document.getElementById('status')?.textContent ?? '') && Number(document.getElementById('step')?.textContent) >= Number(n), steps, { timeout: 120_000 });
      // Something was drawn: the canvas is not a blank white rectangle.
      const inked = await page.$eval('#env-canvas', (canvas) => {
        const { data } = (canvas as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, (canvas as HTMLCanvasElement).width, (canvas as HTMLCanvasElement).height);
        let dark = 0;
        for (let i = 0; i < data.length; i += 4) if (data[i]! < 200) dark++;
        return dark;
      });
      expect(inked, env).toBeGreaterThan(100);
      await page.screenshot({ path: join(testOutput, `web-e2e-${env}.png`) });
    }
    // Algorithms that need Box actions are offered only for Box envs; A3C (worker threads) not at all.
    await page.selectOption('#env', 'CartPole-v1');
    expect(await page.$eval('#algorithm option[value=sac]', (o) => (o as HTMLOptionElement).disabled)).toBe(true);
    expect(await page.$eval('#algorithm option[value=a3c]', (o) => (o as HTMLOptionElement).disabled)).toBe(true);
    expect(await page.$eval('#algorithm option[value=ppo]', (o) => (o as HTMLOptionElement).disabled)).toBe(false);

    // Pause holds the step counter; resume moves it on.
    await page.selectOption('#algorithm', 'ppo');
    await page.fill('#steps', '1000000');
    await page.click('#start');
    await page.waitForFunction(() => Number(document.getElementById('step')?.textContent) > 0, undefined, { timeout: 60_000 });
    await page.click('#pause');
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'Paused.');
    await page.waitForTimeout(300);
    const held = await number(page, 'step');
    await page.waitForTimeout(600);
    expect(await number(page, 'step')).toBe(held);
    await page.click('#resume');
    await page.waitForFunction((n) => Number(document.getElementById('step')?.textContent) > n, held, { timeout: 60_000 });
    await page.click('#stop');
    await page.waitForFunction(() => /^Stopped/.test(document.getElementById('status')?.textContent ?? ''));
    await context.close();
    expect(consoleErrors).toEqual([]);
  }, 300_000);
});
