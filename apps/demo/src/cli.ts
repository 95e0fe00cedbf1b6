#!/usr/bin/env node
// The `tfrl` command: train, evaluate and resume deep-RL runs. See src/cli/main.ts.
import { main } from './cli/main.js';

process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
