import type { Handlers } from '../ipc/bind';
import type { AppContext } from './context';
import { createAppHandlers } from './app-handlers';
import { createBackupHandlers } from '../backup/handlers';
import { createCatalogHandlers } from '../catalog/handlers';
import { createEventsHandlers } from '../events/handlers';
import { createExportsHandlers } from '../exports/handlers';
import { createFilesHandlers } from '../files/handlers';
import { createImportsHandlers } from '../imports/handlers';
import { createOverviewHandlers } from '../overview/handlers';
import { createPrivacyHandlers } from '../privacy/handlers';
import { createSettingsHandlers } from '../settings/handlers';
import { createSendHandlers } from '../send/handlers';
import { createGoogleHandlers } from '../google/handlers';
import { createSetupHandlers } from '../setup/handlers';

/** Every channel's handler, built on one context. The transport binding adds sender checks and parsing. */
export function createHandlers(ctx: AppContext): Handlers {
  return {
    ...createAppHandlers(ctx),
    ...createBackupHandlers(ctx),
    ...createEventsHandlers(ctx),
    ...createCatalogHandlers(ctx),
    ...createFilesHandlers(ctx),
    ...createImportsHandlers(ctx),
    ...createExportsHandlers(ctx),
    ...createSettingsHandlers(ctx),
    ...createOverviewHandlers(ctx),
    ...createPrivacyHandlers(ctx),
    ...createSendHandlers(ctx),
    ...createGoogleHandlers(ctx),
    ...createSetupHandlers(ctx),
  };
}
