/**
 * `genmon backup` and `genmon restore`. A backup asks the running agent (a
 * consistent snapshot while it works), or reads the files when none runs; a
 * restore needs the agent stopped and keeps what it replaces aside.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { BackupAnswer } from '../api/types';
import { resolveConfig } from '../config';
import { acquireLock } from '../lock';
import { backupFiles, backupName, restoreBackup } from '../store/backup';
import { apiPost, readDiscovery } from './client';

export function registerBackup(program: Command): void {
  program
    .command('backup')
    .description('write a compressed backup of the database (hot database and partitions) while the agent runs, or from the files when it does not')
    .option('--out <file>', 'the .tar.gz to write (default: a new file in the backup directory)')
    .option('--data-dir <dir>', 'data directory of the agent')
    .option('--db <path>', 'database file, when no agent runs')
    .action(async (o: { out?: string; dataDir?: string; db?: string }) => {
      const config = resolveConfig({ dataDir: o.dataDir, dbPath: o.db });
      const out = o.out ? resolve(o.out) : `${config.backup.dir}/${backupName(Date.now())}`;
      if (!out.endsWith('.tar.gz')) throw new Error('--out must end in .tar.gz');
      const agent = readDiscovery(config.dataDir);
      const done = agent
        ? await apiPost<BackupAnswer>(agent, '/backup', { path: out }, 15 * 60_000)
        : await backupFiles(config.dbPath, out, (m) => process.stderr.write(`${m}\n`));
      process.stdout.write(`${done.file}\n${(done.bytes / 1024 ** 2).toFixed(1)} MiB, up to journal record ${done.seq}${agent ? ', taken by the running agent' : ''}\n`);
    });

  program
    .command('restore <file>')
    .description('replace the database with a backup (the agent must be stopped; what it replaces is kept aside)')
    .option('--data-dir <dir>', 'data directory of the agent')
    .option('--db <path>', 'database file to restore into')
    .action(async (file: string, o: { dataDir?: string; db?: string }) => {
      const config = resolveConfig({ dataDir: o.dataDir, dbPath: o.db });
      const lock = acquireLock(config.dataDir);
      if (!lock.acquired) throw new Error(`an agent (pid ${lock.pid}) is running on ${config.dataDir}; stop it first (Genmon: Stop Agent, or genmon-agent's Ctrl-C)`);
      try {
        const { manifest, aside } = await restoreBackup(resolve(file), config.dbPath);
        process.stdout.write(`restored ${file} (taken ${new Date(manifest.createdAt).toISOString()}, journal record ${manifest.seq}) into ${config.dbPath}\n`);
        if (aside) process.stdout.write(`the previous database is kept in ${aside}\n`);
      } finally {
        lock.release();
      }
    });
}
