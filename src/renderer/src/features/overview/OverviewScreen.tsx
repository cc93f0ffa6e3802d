import type { ScreenProps } from '../../app/screens';
import { EmptyState, Page } from '../../components/Page';

// Placeholder until the Overview screen lands.
export function OverviewScreen(_props: ScreenProps) {
  return (
    <Page title="Overview" testId="overview-screen">
      <EmptyState title="Overview">This screen is being built.</EmptyState>
    </Page>
  );
}
