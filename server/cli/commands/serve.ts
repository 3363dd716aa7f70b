import type { Command } from 'commander';
import { startService } from '../../compose/index.js';
import { loadConfig } from '../../config/config.js';
import { createLogger } from '../../logger.js';
import { failCli } from '../exit.js';

/** `lienthong serve [--role all|axis|node] [--port N]`: runs the service until SIGINT/SIGTERM. */
export function registerServeCommands(program: Command): void {
  program
    .command('serve')
    .description('run the service: the axis, an agency node, or both in one process (default)')
    .option('--role <role>', 'all | axis | node (env LIENTHONG_ROLE)')
    .option('--port <port>', 'port to listen on (env PORT, default 8080)')
    .action(async (opts: { role?: string; port?: string }) => {
      let config;
      try {
        config = loadConfig({
          ...process.env,
          ...(opts.role ? { LIENTHONG_ROLE: opts.role } : {}),
          ...(opts.port ? { PORT: opts.port } : {}),
        });
      } catch (e) {
        failCli(e);
      }
      const logger = createLogger({ level: config.logLevel, pretty: config.logFormat === 'pretty' || (config.logFormat === 'auto' && process.stdout.isTTY === true) });
      const service = await startService(config, logger).catch((e) => failCli(e));
      for (const line of service.banner) process.stdout.write(`${line}\n`);
      let stopping = false;
      const shutdown = (signal: string) => {
        if (stopping) return;
        stopping = true;
        logger.info({ signal }, 'shutting down');
        service.stop().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.on('SIGINT', () => shutdown('SIGINT'));
      process.on('SIGTERM', () => shutdown('SIGTERM'));
    });
}
