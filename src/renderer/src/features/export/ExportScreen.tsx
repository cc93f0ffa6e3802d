import type { ScreenProps } from '../../app/screens';
import { EmptyState, Page } from '../../components/Page';

// Placeholder until the Export & batches screen lands.
export function ExportScreen(_props: ScreenProps) {
  return (
    <Page title="Export & batches" testId="export-screen">
      <EmptyState title="Export & batches">This screen is being built.</EmptyState>
    </Page>
  );
}
