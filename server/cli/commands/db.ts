import type { Command } from 'commander';
import { prepareDatabaseServer } from '../../compose/database.js';
import { loadConfig } from '../../config/config.js';
import { failCli } from '../exit.js';

/** `lienthong db install`: find or build the embedded database server ahead of time. */
export function registerDbCommands(program: Command): void {
  const db = program.command('db').description('the embedded development database');
  db.command('install')
    .description('find mongod, or build FerretDB 1.24 with Go if needed (otherwise done on first start)')
    .action(async () => {
      try {
        const found = await prepareDatabaseServer(loadConfig(), (line) => process.stderr.write(`${line}\n`));
        process.stdout.write(`database server: ${found}\n`);
      } catch (e) {
        failCli(e);
      }
    });
}
