import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

/**
 * Starts V8's sampling CPU profiler on this thread (the inspector protocol, in process: no flag needed) and
 * returns a handle that stops it and writes the `.cpuprofile` JSON (Chrome DevTools' format).
 */
export async function startCpuProfile(intervalMicros = 500): Promise<{ stopInto(file: string): Promise<void> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: intervalMicros });
  await session.post('Profiler.start');
  return {
    async stopInto(file: string) {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}
