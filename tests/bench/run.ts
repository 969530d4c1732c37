/**
 * `npm run bench -- <name> [--skip-build]`: runs one benchmark; `npm run bench` alone lists them. Each
 * measures a target of DESIGN.md section 11 against a production build and prints its figures beside a
 * baseline taken in the same run, ending with one `key=value` line. Not part of `npm test`.
 */
import { runShutdownHooks } from '@/lib/process/shutdown';

import { auditBenchmark } from './audit';
import { bundleBenchmark } from './bundle';
import { deliveryBenchmark } from './delivery';
import { lighthouseBenchmark } from './lighthouse';
import { queueBenchmark } from './queue';
import { startupBenchmark } from './startup';
import { statsBenchmark } from './stats';
import { submitBenchmark } from './submit';
import type { Benchmark } from './support/benchmark';
import { log, machineDescription } from './support/harness';

const BENCHMARKS: Benchmark[] = [
  submitBenchmark,
  queueBenchmark,
  auditBenchmark,
  statsBenchmark,
  deliveryBenchmark,
  bundleBenchmark,
  lighthouseBenchmark,
  startupBenchmark,
];

async function main(): Promise<number> {
  const [name, ...argv] = process.argv.slice(2);
  const benchmark = BENCHMARKS.find((b) => b.name === name);
  if (!benchmark) {
    if (name) console.error(`Unknown benchmark "${name}".\n`);
    console.log('npm run bench -- <name> [--skip-build]\n');
    for (const b of BENCHMARKS) console.log(`  ${b.name.padEnd(12)} ${b.description}`);
    return name ? 2 : 0;
  }
  log(`bench ${benchmark.name} on ${machineDescription()}`);
  await benchmark.run(argv);
  return 0;
}

void main()
  .catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    return 1;
  })
  .then(async (code) => {
    await runShutdownHooks();
    process.exit(code);
  });
