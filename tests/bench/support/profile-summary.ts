/**
 * `npx tsx tests/bench/support/profile-summary.ts <dir>`: where the CPU time of the largest V8 profile in
 * `dir` (`node --cpu-prof`) went, as self time per package (node_modules/<name>), per file of ours, or for
 * V8 itself (garbage collection, compilation): the breakdown that tells what to optimise.
 */
import fs from 'node:fs';
import path from 'node:path';

type Node = { id: number; callFrame: { url: string; functionName: string }; children?: number[] };
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[] };

const dir = process.argv[2];
if (!dir) throw new Error('usage: profile-summary.ts <directory with .cpuprofile files>');
const largest = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.cpuprofile'))
  .map((f) => path.join(dir, f))
  .sort((a, b) => fs.statSync(b).size - fs.statSync(a).size)[0];
if (!largest) throw new Error(`no .cpuprofile in ${dir}`);
const profile = JSON.parse(fs.readFileSync(largest, 'utf8')) as Profile;

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
function bucket(node: Node): string {
  const { url, functionName } = node.callFrame;
  if (!url) return functionName ? `(${functionName})` : '(native)';
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inModules) return inModules[1]!;
  if (url.startsWith('node:')) return 'node: core';
  const chunk = /\.next\/server\/chunks\/(?:ssr\/)?([^/]+)$/.exec(url);
  return chunk ? `.next chunk ${chunk[1]}` : url.replace(/^file:\/\/\/work\/[^/]+\//, '');
}

const totals = new Map<string, number>();
let sum = 0;
profile.samples.forEach((id, i) => {
  const micros = profile.timeDeltas[i] ?? 0;
  const key = bucket(byId.get(id)!);
  totals.set(key, (totals.get(key) ?? 0) + micros);
  sum += micros;
});
console.log(`${path.basename(largest)}: ${(sum / 1e6).toFixed(1)} s sampled`);
for (const [key, micros] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
  console.log(`${((micros / sum) * 100).toFixed(1).padStart(5)} %  ${key}`);
}
