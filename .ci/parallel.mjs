#!/usr/bin/env node
// `node .ci/parallel.mjs <script> …`: runs the npm scripts at once (the machine has two cores, and lint,
// typecheck and the unit tests each use about one), printing each one's output whole when it ends, so the
// log reads as if they had run one after another. Fails when any fails, after all have ended.
import { spawn } from 'node:child_process';

const scripts = process.argv.slice(2);
if (scripts.length === 0) {
  console.error('usage: node .ci/parallel.mjs <npm script> …');
  process.exit(2);
}

const results = await Promise.all(
  scripts.map(
    (script) =>
      new Promise((resolve) => {
        const started = Date.now();
        const child = spawn('npm', ['run', script], { stdio: ['ignore', 'pipe', 'pipe'] });
        const output = [];
        child.stdout.on('data', (chunk) => output.push(chunk));
        child.stderr.on('data', (chunk) => output.push(chunk));
        child.on('close', (code) => {
          process.stdout.write(Buffer.concat(output));
          const seconds = ((Date.now() - started) / 1000).toFixed(1);
          process.stdout.write(`==> ${script}: ${code === 0 ? 'ok' : `failed (exit ${code})`} in ${seconds} s\n`);
          resolve(code ?? 1);
        });
      }),
  ),
);
process.exit(results.some((code) => code !== 0) ? 1 : 0);
