import { expect } from 'chai';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { WEB_DIST_DIR } from '../../server/http/web-app.js';

/** The budget of issue 12: the JavaScript the first screen loads, uncompressed. */
const BUDGET_BYTES = 400 * 1024;

describe('web/dist: the built clerk app', () => {
  it('when `/` is loaded, then the scripts it names (and their static imports) stay under 400 KB uncompressed', function () {
    const index = join(WEB_DIST_DIR, 'index.html');
    if (!existsSync(index)) throw new Error('web/dist/index.html missing: run `npm run build:web` (npm install and npm test do)');
    const html = readFileSync(index, 'utf8');
    const seen = new Set<string>();
    const visit = (path: string) => {
      if (seen.has(path)) return;
      seen.add(path);
      const code = readFileSync(join(WEB_DIST_DIR, path), 'utf8');
      // Static imports only (`import … from "./x.js"`); `import("./x.js")` chunks load later, on demand.
      for (const m of code.matchAll(/(?:^|[;\s}])import\s*(?:[\w*{}\s,$]+from\s*)?["'](\.\/[^"']+\.js)["']/g)) visit(join('assets', m[1]!.slice(2)));
    };
    for (const m of html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="\/([^"]+\.js)"/g)) visit(m[1]!);
    expect(seen.size, 'index.html names its entry script').to.be.greaterThan(0);
    const total = [...seen].reduce((n, p) => n + statSync(join(WEB_DIST_DIR, p)).size, 0);
    expect(total).to.be.below(BUDGET_BYTES);
  });
});
