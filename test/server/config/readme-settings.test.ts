import { readdirSync, readFileSync } from 'node:fs';
import { expect } from 'chai';
import { CONFIG_VARIABLES } from '../../../server/config/config.js';

/** Variables read outside loadConfig, or per agency (a prefix the README writes with `<code>`). */
const READ_ELSEWHERE = ['LIENTHONG_TOOLS_DIR', 'LIENTHONG_P12_PASSWORD', 'LIENTHONG_KEY_PASSWORD_', 'LIENTHONG_AXIS_SECRET_'];

const root = new URL('../../../../', import.meta.url);

/** Every `LIENTHONG_*` name written in the source (not the tests), with the files that write it. */
function namesInSource(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const dir of ['server', 'storage', 'crypto', 'scripts']) {
    for (const file of readdirSync(new URL(`${dir}/`, root), { recursive: true, encoding: 'utf8' })) {
      if (!/\.(ts|mjs)$/.test(file)) continue;
      for (const m of readFileSync(new URL(`${dir}/${file}`, root), 'utf8').matchAll(/\bLIENTHONG_[A-Z0-9_]+/g)) out.set(m[0], [...(out.get(m[0]) ?? []), `${dir}/${file}`]);
    }
  }
  return out;
}

describe('README configuration tables', () => {
  const readme = readFileSync(new URL('README.md', root), 'utf8');

  it('when a variable is read at start, then the README documents it', () => {
    const missing = CONFIG_VARIABLES.filter((v) => v !== 'NODE_ENV' && !readme.includes(`\`${v}\``) && !readme.includes(`\`${v} `) && !readme.includes(` ${v}\``) && !readme.includes(`/ \`${v}`));
    expect(missing).to.deep.equal([]);
  });

  it('when the README names a LIENTHONG_ variable, then the code reads it', () => {
    const named = [...new Set([...readme.matchAll(/\bLIENTHONG_[A-Z0-9_]+/g)].map((m) => m[0]))];
    expect(named.filter((v) => !CONFIG_VARIABLES.includes(v) && !READ_ELSEWHERE.includes(v))).to.deep.equal([]);
  });

  it('when the source names a LIENTHONG_ variable anywhere (not only in loadConfig), then the README documents it', () => {
    const documented = new Set([...readme.matchAll(/\bLIENTHONG_[A-Z0-9_]+/g)].map((m) => m[0]));
    const prefixes = [...documented].filter((v) => v.endsWith('_'));
    // a per-agency name (`LIENTHONG_KEY_PASSWORD_000_00_00_G22`) or the stem it is built from counts as its prefix's
    const isDocumented = (v: string) => documented.has(v) || prefixes.some((p) => v.startsWith(p) || `${v}_` === p);
    const missing = [...namesInSource()].filter(([v]) => !isDocumented(v)).map(([v, files]) => `${v} (${files.join(', ')})`);
    expect(missing).to.deep.equal([]);
  });
});
