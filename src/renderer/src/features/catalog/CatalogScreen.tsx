import type { ScreenProps } from '../../app/screens';
import { EmptyState, Page } from '../../components/Page';

// Placeholder until the Campaigns & brands screen lands.
export function CatalogScreen(_props: ScreenProps) {
  return (
    <Page title="Campaigns & brands" testId="catalog-screen">
      <EmptyState title="Campaigns & brands">This screen is being built.</EmptyState>
    </Page>
  );
}
