// `prepare` (run by npm install and npm ci): builds dist/ and web/dist/ when the dev tools are installed, and
// says so and stops when they are not (`npm ci --omit=dev`: a production install ships a dist/ built
// elsewhere, e.g. the Dockerfile's build stage).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

try {
  createRequire(import.meta.url).resolve('typescript');
} catch {
  process.stderr.write('lienthong: dev dependencies not installed: not building (run `npm run build` where they are)\n');
  process.exit(0);
}
const r = spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
process.exit(r.status ?? 1);
