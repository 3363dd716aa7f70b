import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import type { Command } from 'commander';
import { buildProgram } from '../../../server/cli/main.js';

/** Every command of the `lienthong` tree that runs something, with its long options (commander's own help aside). */
function commandsOf(program: Command): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const walk = (c: Command, path: string[]) => {
    for (const sub of c.commands) {
      const p = [...path, sub.name()];
      // commander keeps the action on a private field; a group command (`pdf`) has none
      const runs = (sub as unknown as { _actionHandler?: unknown })._actionHandler;
      if (runs)
        out.set(
          p.join(' '),
          sub.options
            .filter((o) => !o.hidden && o.long)
            .map((o) => o.long!)
            .sort(),
        );
      walk(sub, p);
    }
  };
  walk(program, []);
  return out;
}

/**
 * The synopsis block under the README's "## CLI": a line `lienthong <words> ARGS [--flag …]   description`
 * starts a command, indented lines go on with its flags; the description (after three spaces, from its first lower-case word) is not read.
 */
function readmeCommands(readme: string): Map<string, string[]> {
  const start = readme.indexOf('## CLI\n');
  const open = readme.indexOf('```\n', start) + 4;
  const block = readme.slice(open, readme.indexOf('```', open));
  const out = new Map<string, Set<string>>();
  let current: Set<string> | undefined;
  for (const line of block.split('\n')) {
    if (!line.trim()) continue;
    const synopsis = line.trim().split(/\s{3,}(?=[a-z])/)[0]!;
    if (line.startsWith('lienthong ')) {
      const words = synopsis.split(/\s+/).slice(1);
      const firstArgument = words.findIndex((w) => !/^[a-z][a-z-]*$/.test(w));
      const path = firstArgument === -1 ? words : words.slice(0, firstArgument);
      current = new Set();
      out.set(path.join(' '), current);
    }
    for (const m of synopsis.matchAll(/--[a-z][a-z0-9-]*/g)) current?.add(m[0]);
  }
  return new Map([...out].map(([k, v]) => [k, [...v].sort()]));
}

describe('README CLI synopsis', () => {
  const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');

  it('when the CLI has a command or an option, then the README synopsis lists it, and nothing else', () => {
    const code = commandsOf(buildProgram());
    const doc = readmeCommands(readme);
    expect([...doc.keys()].sort(), 'commands').to.deep.equal([...code.keys()].sort());
    for (const [name, flags] of code) expect(doc.get(name), `lienthong ${name}`).to.deep.equal(flags);
  });
});
