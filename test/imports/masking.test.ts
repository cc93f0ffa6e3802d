import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { maskValue, previewTarget } from '../../src/main/imports/mask';
import { normalizeHeader } from '../../src/main/imports/mapping';
import { sniffFile } from '../../src/main/imports/sniff';

const REAL = join(__dirname, '..', 'fixtures', 'real-world');
const shown = (header: string, value: string) => maskValue(previewTarget(normalizeHeader(header), 'ignore'), value);

describe('masking applies to personal data only, consistently (issue 15 item 11)', () => {
  it('keeps amounts, product and tax names and order references readable', () => {
    expect(shown('Subtotal', '100.00')).toBe('100.00');
    expect(shown('Total', '1 234,50')).toBe('1 234,50');
    expect(shown('Lineitem name', 'Blue Snowboard - Small')).toBe('Blue Snowboard - Small');
    expect(shown('Tax 1 Name', 'State Tax 6%')).toBe('State Tax 6%');
    expect(shown('Shipping Method', 'Standard')).toBe('Standard');
    expect(shown('Name', '#1001')).toBe('#1001');
  });

  it('masks people’s names, emails, phones and addresses', () => {
    expect(shown('Billing Name', 'Jane Doe')).toBe('J***');
    expect(shown('Shipping Name', 'Jane Doe')).toBe('J***');
    expect(shown('Customer name', 'Jane Doe')).toBe('J***');
    expect(shown('Billing Phone', '+1 415 555 0132')).toBe('+***32');
    expect(shown('Notes', 'jane@example.com')).toBe('j***@example.com');
    expect(shown('Billing Street', '1 Main St')).toBe('1***');
    expect(maskValue('phone', '+1 415 555 0132')).toBe('+***32');
    expect(maskValue('email', 'Jane.Doe@gmail.com')).toBe('J***@gmail.com');
  });

  it('the Shopify export preview: subtotals and product names in clear, buyer data masked', () => {
    const sniff = sniffFile(join(REAL, 'shopify_orders_export_devstore.csv'), 'orders.csv');
    const col = (header: string) => sniff.headers.indexOf(header);
    const cells = (header: string) => sniff.rows.map((row) => row[col(header)]).filter(Boolean);
    expect(cells('Subtotal').every((v) => /^\d+(\.\d+)?$/.test(v!))).toBe(true);
    expect(cells('Lineitem name').some((v) => !v!.includes('***'))).toBe(true);
    expect(cells('Billing Name').every((v) => v!.endsWith('***'))).toBe(true);
    expect(cells('Email').every((v) => v!.includes('***@'))).toBe(true);
  });
});
