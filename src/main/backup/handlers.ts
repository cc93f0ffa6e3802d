import type { backupChannels } from '../../shared/ipc/channels/backup';
import { AppError } from '../../shared/ipc/result';
import type { AppContext } from '../app/context';
import type { Handlers } from '../ipc/bind';
import { createBackup, restoreBackup } from './service';

const FILTERS = [{ name: 'Conversion Desk backup', extensions: ['db', 'sqlite'] }];

export function createBackupHandlers(ctx: AppContext): Pick<Handlers, keyof typeof backupChannels> {
  const dialogs = () => {
    if (!ctx.dialogs) throw new AppError('unsupported', 'No file dialog is available here');
    return ctx.dialogs;
  };
  const deps = () => ({ db: ctx.db, dbPath: ctx.dbPath, nativeBinding: ctx.nativeBinding });
  return {
    'backup:create': async () => {
      const day = new Date().toISOString().slice(0, 10);
      const path = await dialogs().saveFile({ title: 'Back up the database', defaultName: `convdesk-backup-${day}.db`, filters: FILTERS });
      return path ? createBackup(deps(), path) : null;
    },
    'backup:restore': async () => {
      const path = await dialogs().openFile({ title: 'Restore a backup', filters: FILTERS });
      if (!path) return null;
      const result = await restoreBackup(deps(), path);
      ctx.push.emit('events:changed', { reason: 'restore' });
      return result;
    },
  };
}
