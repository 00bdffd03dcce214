// Summarizes a V8 .cpuprofile (from `npm run bench -- --cpu-prof`): self time by function and by package.
// usage: npx tsx bench/src/profile.ts <file.cpuprofile> [top=25]
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
const [file, topArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: tsx bench/src/profile.ts <file.cpuprofile> [top]\n');
  process.exit(2);
}
const prof = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const top = Number(topArg ?? 25);
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
prof.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);
const fn = new Map<string, number>();
const pkg = new Map<string, number>();
for (const [id, us] of self) {
  const n = byId.get(id)!;
  const url = n.callFrame.url;
  const where = url.replace(/^file:\/\//, '').replace(/.*\/node_modules\//, 'npm:').replace(/.*\/packages\//, 'packages/');
  fn.set(`${n.callFrame.functionName || '(anonymous)'} ${where}:${n.callFrame.lineNumber + 1}`, (fn.get(`${n.callFrame.functionName || '(anonymous)'} ${where}:${n.callFrame.lineNumber + 1}`) ?? 0) + us);
  const p = !url ? n.callFrame.functionName || '(native)' : url.includes('/node_modules/') ? 'npm:' + url.split('/node_modules/').pop()!.split('/').slice(0, url.split('/node_modules/').pop()!.startsWith('@') ? 2 : 1).join('/') : url.startsWith('node:') ? 'node' : where.split('/').slice(0, 3).join('/');
  pkg.set(p, (pkg.get(p) ?? 0) + us);
}
const show = (title: string, m: Map<string, number>) => {
  process.stdout.write(`\n${title} (total ${(total / 1e6).toFixed(1)} s sampled)\n`);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}\n`);
};
show('self time by package/folder', pkg);
show('self time by function', fn);
