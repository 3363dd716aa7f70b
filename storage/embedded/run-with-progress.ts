import { spawn } from 'node:child_process';

export interface ProgressRun {
  readonly ok: boolean;
  /** The last 64 KiB of stdout and stderr. */
  readonly out: string;
  readonly missing: boolean;
}

/**
 * Runs a long command and tells `log` how it goes: lines that say something (`go: downloading …`) as they
 * come, the others counted (`go build -v` prints one per package compiled), and a heartbeat with the elapsed
 * time every `heartbeatMs` (10 s) so a first start never looks hung.
 */
export function runWithProgress(cmd: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; log: (line: string) => void; label: string; heartbeatMs?: number; show?: (line: string) => boolean }): Promise<ProgressRun> {
  return new Promise((resolve) => {
    const started = Date.now();
    let out = '';
    let counted = 0;
    let pending = '';
    const show = options.show ?? ((line: string) => /^go: (downloading|finding|extracting)\b/.test(line) || /error|cannot|fatal/i.test(line));
    const child = spawn(cmd, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const onData = (d: Buffer) => {
      const text = d.toString('utf8');
      out = (out + text).slice(-64 * 1024);
      const lines = (pending + text).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines.map((l) => l.trim()).filter(Boolean)) {
        if (show(line)) options.log(`  ${line}`);
        else counted++;
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const beat = setInterval(() => {
      const s = Math.round((Date.now() - started) / 1000);
      options.log(`  … still ${options.label}: ${s} s elapsed${counted ? `, ${counted} packages built` : ''}`);
    }, options.heartbeatMs ?? 10_000);
    let settled = false;
    const done = (r: ProgressRun) => {
      if (settled) return;
      settled = true;
      clearInterval(beat);
      resolve(r);
    };
    child.once('error', (e) => done({ ok: false, out: `${out}${e.message}`, missing: (e as NodeJS.ErrnoException).code === 'ENOENT' }));
    child.once('close', (code) => {
      if (settled) return;
      options.log(`  ${options.label}: ${code === 0 ? 'done' : `failed (exit ${code})`} after ${Math.round((Date.now() - started) / 1000)} s`);
      done({ ok: code === 0, out, missing: false });
    });
  });
}
