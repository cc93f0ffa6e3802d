import { exportServiceForContext } from '../exports/handlers';
import { importServiceForContext } from '../imports/handlers';
import { jobServiceForContext } from '../jobs/specs';
import { closeAppContext, type AppContext } from './context';

/**
 * Stops every worker the app may have started — imports, exports, bulk jobs — so their
 * transactions roll back, then closes the database (and the reader threads' connections).
 * Features that add long-running workers add their shutdown here.
 */
export async function stopWorkAndClose(ctx: AppContext): Promise<void> {
  await Promise.allSettled([
    importServiceForContext(ctx).shutdown(),
    exportServiceForContext(ctx).shutdown(),
    jobServiceForContext(ctx).shutdown(),
  ]);
  await closeAppContext(ctx);
}
