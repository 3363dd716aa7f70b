import { readdirSync, readFileSync } from 'node:fs';

/** Linux USER_HZ: /proc/<pid>/stat counts CPU time in these ticks (100 on every mainstream kernel build). */
const TICKS_PER_SECOND = 100;

interface ProcStat {
  readonly pid: number;
  readonly ppid: number;
  readonly name: string;
  readonly cpuMs: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = text.lastIndexOf(')');
    const name = text.slice(text.indexOf('(') + 1, close);
    const f = text.slice(close + 2).split(' ');
    // after "pid (comm) ": state ppid … utime (14th field overall → index 11 here), stime (index 12), then cutime
    // and cstime (13, 14): what its children that exited used, e.g. PostgreSQL's backends of closed connections
    const ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    return { pid, ppid: Number(f[1]), name, cpuMs: (ticks * 1000) / TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
}

/**
 * CPU time (user + system, ms) used so far by each descendant process of this one and by the children they
 * reaped, by name (e.g. the embedded database server: `ferretdb`, `postgres` for the postmaster and its backends). Empty where /proc is not there; processes that already exited are not counted.
 */
export function childProcessCpu(): Map<string, number> {
  const out = new Map<string, number>();
  let pids: number[];
  try {
    pids = readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .map(Number);
  } catch {
    return out;
  }
  const stats = pids.map(readStat).filter((s): s is ProcStat => s !== undefined);
  const mine = new Set([process.pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const s of stats) {
      if (!mine.has(s.pid) && mine.has(s.ppid)) {
        mine.add(s.pid);
        grew = true;
      }
    }
  }
  for (const s of stats) if (s.pid !== process.pid && mine.has(s.pid)) out.set(s.name, (out.get(s.name) ?? 0) + s.cpuMs);
  return out;
}

/** Difference of two `childProcessCpu()` readings. */
export function cpuSince(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  const d = new Map<string, number>();
  for (const [k, v] of after) d.set(k, v - (before.get(k) ?? 0));
  return d;
}
