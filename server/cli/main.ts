#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { EXIT, failCli } from './exit.js';
import { registerServeCommands } from './commands/serve.js';
// Command groups: one import and one register call each.
import { registerDbCommands } from './commands/db.js';
import { registerAgencyCommands } from './commands/agency.js';
import { registerPkiCommands } from './commands/pki.js';
import { registerCmsCommands } from './commands/cms.js';
import { registerPdfCommands } from './commands/pdf.js';
import { registerEdxmlCommands } from './commands/edxml.js';
import { registerReportCommands } from './commands/report.js';
// [commands:imports]

/** Builds the `lienthong` command tree (exported for tests). */
export function buildProgram(): Command {
  const program = new Command('lienthong').description('Exchange signed official documents between agencies through the national document axis (mock VDXP)').version('0.1.0').showHelpAfterError().exitOverride();
  program.configureOutput({ outputError: (str, write) => write(str) });
  registerServeCommands(program);
  registerDbCommands(program);
  registerAgencyCommands(program);
  registerPkiCommands(program);
  registerCmsCommands(program);
  registerPdfCommands(program);
  registerEdxmlCommands(program);
  registerReportCommands(program);
  // [commands:register]
  return program;
}

async function main(): Promise<void> {
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exit(e.exitCode === 0 ? 0 : EXIT.usage);
    }
    failCli(e);
  }
}

function isEntryPoint(): boolean {
  try {
    return !!process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) void main();
