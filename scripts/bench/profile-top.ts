import { readFileSync } from 'node:fs';

/**
 * Prints the top self-time and total-time functions of a V8 `.cpuprofile` (from BENCH_EXCHANGE_CPU_PROFILE or
 * `node --cpu-prof`): `node dist/scripts/bench/profile-top.js <file> [rows]`.
 */
interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const [file, rowsArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: profile-top <file.cpuprofile> [rows]\n');
  process.exit(2);
}
const rows = Number(rowsArg ?? 40);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const selfMicros = new Map<number, number>();
profile.samples.forEach((id, i) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const where = (f: CallFrame) => `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(dist|node_modules)\//, '$1/').replace(/^file:\/\//, '')}:${f.lineNumber + 1}`;
const self = new Map<string, number>();
const total = new Map<string, number>();
let all = 0;
for (const [id, us] of selfMicros) {
  all += us;
  const n = byId.get(id)!;
  self.set(where(n.callFrame), (self.get(where(n.callFrame)) ?? 0) + us);
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const k = where(byId.get(cur)!.callFrame);
    if (seen.has(k)) continue;
    seen.add(k);
    total.set(k, (total.get(k) ?? 0) + us);
  }
}
const idle = self.get('(idle) :0') ?? 0;
const print = (title: string, m: Map<string, number>) => {
  process.stdout.write(`\n${title} (ms, % of busy ${((all - idle) / 1000).toFixed(0)} ms; idle ${(idle / 1000).toFixed(0)} ms)\n`);
  for (const [k, us] of [...m]
    .filter(([k]) => k !== '(idle) :0' && k !== '(root) :0')
    .sort((a, b) => b[1] - a[1])
    .slice(0, rows)) {
    process.stdout.write(`${(us / 1000).toFixed(0).padStart(8)} ${((us / (all - idle)) * 100).toFixed(1).padStart(5)}%  ${k}\n`);
  }
};
print('self time', self);
print('total time', total);
