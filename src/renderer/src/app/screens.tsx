import type { ComponentType } from 'react';
import { CatalogScreen } from '../features/catalog/CatalogScreen';
import { ExportScreen } from '../features/export/ExportScreen';
import { ImportScreen } from '../features/import/ImportScreen';
import { OverviewScreen } from '../features/overview/OverviewScreen';
import { ReviewScreen } from '../features/review/ReviewScreen';
import { SettingsScreen } from '../features/settings/SettingsScreen';
import { SendScreen } from '../features/send/SendScreen';
import type { Route, ScreenId } from './router';

export interface ScreenProps {
  route: Route;
}

export const SCREEN_COMPONENTS: Record<ScreenId, ComponentType<ScreenProps>> = {
  overview: OverviewScreen,
  import: ImportScreen,
  review: ReviewScreen,
  export: ExportScreen,
  send: SendScreen,
  catalog: CatalogScreen,
  settings: SettingsScreen,
};
