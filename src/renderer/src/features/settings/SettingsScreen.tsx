import type { ScreenProps } from '../../app/screens';
import { EmptyState, Page } from '../../components/Page';

// Placeholder until the Settings screen lands.
export function SettingsScreen(_props: ScreenProps) {
  return (
    <Page title="Settings" testId="settings-screen">
      <EmptyState title="Settings">This screen is being built.</EmptyState>
    </Page>
  );
}
