import type { ScreenProps } from '../../app/screens';
import { EmptyState, Page } from '../../components/Page';

// Placeholder until the Import screen lands.
export function ImportScreen(_props: ScreenProps) {
  return (
    <Page title="Import" testId="import-screen">
      <EmptyState title="Import">This screen is being built.</EmptyState>
    </Page>
  );
}
