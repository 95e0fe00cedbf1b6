import { performance } from 'node:perf_hooks';
import '@tensorflow/tfjs-layers';
import { initBackend } from '@tfrl/backend-node-gpu';
import { evaluatePolicy } from '@tfrl/core';
import { PartialObservation, SyncVectorEnv, makeEnv } from '@tfrl/envs';
import * as pg from '../dist/index.js';
const [cfgJson, seedS, budgetS, everyS, envsS, kind] = process.argv.slice(2);
const cfg = JSON.parse(cfgJson); const seed = +seedS; const budget = +budgetS; const every = +everyS; const numEnvs = +envsS;
await initBackend({ prefer: 'wasm' });
const masked = () => new PartialObservation(makeEnv('CartPole-v1'), { keep: [0, 2] });
const agent = kind === 'ff' ? new pg.PPO({ ...cfg, seed }) : new pg.RecurrentPPO({ ...cfg, seed });
const env = new SyncVectorEnv(Array.from({ length: numEnvs }, () => masked));
const evalEnv = masked();
let next = every; let best = -1; let evalS = 0; const t0 = performance.now(); let solved = null;
await agent.learn({ env, totalSteps: budget, callbacks: [{
  onUpdate(state, m) { if (process.env.VERBOSE) console.log(state.step, JSON.stringify(Object.fromEntries(Object.entries(m).map(([k,v])=>[k,+v.toFixed(3)])))); return true; },
  onStep(state) {
  if (state.step < next) return true; next += every;
  const t = performance.now();
  const r = evaluatePolicy(evalEnv, agent, { episodes: 20, seed: 10_000, deterministic: true }).meanReturn;
  evalS += (performance.now() - t) / 1000; best = Math.max(best, r);
  const el = (performance.now() - t0) / 1000;
  console.log(`seed ${seed} step ${state.step} eval ${r.toFixed(1)} recent ${state.recentReturn.toFixed(1)} t ${el.toFixed(0)}s sps ${(state.step / (el - evalS)).toFixed(0)}`);
  if (r >= 400 && kind !== 'ff') { solved = state.step; return false; }
  return true; } }] });
console.log(`DONE seed ${seed} solved ${solved} best ${best.toFixed(1)} t ${((performance.now() - t0) / 1000).toFixed(0)}s`);
