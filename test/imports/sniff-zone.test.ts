import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sniffFile } from '../../src/main/imports/sniff';

const REAL = join(__dirname, '..', 'fixtures', 'real-world');
const NO_ZONE = /does not say its time zone/;

describe('the import banner on time zones (issue 15 item 8)', () => {
  it('says nothing about the zone when every time carries its offset (Google sample with +08:00, Shopify with -0400)', () => {
    expect(sniffFile(join(REAL, 'gads_click_valid_sample.csv'), 'gads.csv').warnings.join('\n')).not.toMatch(NO_ZONE);
    expect(sniffFile(join(REAL, 'shopify_orders_export_devstore.csv'), 'orders.csv').warnings.join('\n')).not.toMatch(NO_ZONE);
  });

  it('still warns when the times have no offset', () => {
    expect(sniffFile(join(REAL, 'gads_clicks_crm_label_noname.csv'), 'clicks.csv').warnings.join('\n')).toMatch(NO_ZONE);
  });
});
