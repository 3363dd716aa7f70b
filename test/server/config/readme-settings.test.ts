import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { CONFIG_VARIABLES } from '../../../server/config/config.js';

/** Variables read outside loadConfig, or per agency (a prefix the README writes with `<code>`). */
const READ_ELSEWHERE = ['LIENTHONG_TOOLS_DIR', 'LIENTHONG_P12_PASSWORD', 'LIENTHONG_KEY_PASSWORD_', 'LIENTHONG_AXIS_SECRET_'];

describe('README configuration tables', () => {
  const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');

  it('when a variable is read at start, then the README documents it', () => {
    const missing = CONFIG_VARIABLES.filter((v) => v !== 'NODE_ENV' && !readme.includes(`\`${v}\``) && !readme.includes(`\`${v} `) && !readme.includes(` ${v}\``) && !readme.includes(`/ \`${v}`));
    expect(missing).to.deep.equal([]);
  });

  it('when the README names a LIENTHONG_ variable, then the code reads it', () => {
    const named = [...new Set([...readme.matchAll(/\bLIENTHONG_[A-Z0-9_]+/g)].map((m) => m[0]))];
    expect(named.filter((v) => !CONFIG_VARIABLES.includes(v) && !READ_ELSEWHERE.includes(v))).to.deep.equal([]);
  });
});
