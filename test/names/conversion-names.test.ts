import { describe, expect, it } from 'vitest';
import {
  META_STANDARD_EVENT_NAMES,
  categoryOf,
  classifyConversionName,
  conversionNameOf,
  isMetaStandardEvent,
  metaStandardEventName,
} from '../../src/shared/domain/conversion-names';

describe('conversion names → category (explicit table, never a substring guess)', () => {
  it('maps Meta standard events to the plan categories', () => {
    expect(categoryOf('Purchase')).toBe('purchase');
    expect(categoryOf('Lead')).toBe('lead');
    expect(categoryOf('CompleteRegistration')).toBe('signup');
    expect(categoryOf('AddToCart')).toBe('add_to_cart');
    expect(categoryOf('ViewContent')).toBe('page_view');
    expect(categoryOf('PageView')).toBe('page_view');
  });

  it('does not take InitiateCheckout, AddPaymentInfo or Search for a purchase', () => {
    expect(categoryOf('InitiateCheckout')).toBe('custom');
    expect(categoryOf('AddPaymentInfo')).toBe('custom');
    expect(categoryOf('Search')).toBe('custom');
    // names that merely contain a category word are not that category
    expect(categoryOf('Purchase refund request')).toBe('custom');
    expect(categoryOf('Lead magnet download')).toBe('custom');
    expect(categoryOf('Booked consultation')).toBe('custom');
  });

  it('maps Google common names, ignoring case and separators', () => {
    expect(categoryOf('Qualified lead')).toBe('lead');
    expect(categoryOf('qualified_lead')).toBe('lead');
    expect(categoryOf('Store purchase')).toBe('purchase');
    expect(categoryOf('Submit lead form')).toBe('lead');
    expect(categoryOf('generate_lead')).toBe('lead');
    expect(categoryOf('sign_up')).toBe('signup');
    expect(categoryOf('Add to cart')).toBe('add_to_cart');
    expect(categoryOf(' PURCHASE ')).toBe('purchase');
  });

  it('keeps the plan categories as names of themselves', () => {
    for (const category of ['purchase', 'lead', 'signup', 'add_to_cart', 'page_view', 'custom'] as const) {
      expect(categoryOf(category)).toBe(category);
    }
  });

  it('sends unknown names to custom and keeps the name', () => {
    expect(classifyConversionName('  Deal 4412 - annual contract ')).toEqual({
      conversionName: 'Deal 4412 - annual contract',
      category: 'custom',
    });
    expect(() => classifyConversionName('   ')).toThrow();
    expect(() => classifyConversionName('x'.repeat(201))).toThrow();
  });
});

describe('Meta standard events', () => {
  it('recognizes every standard event the issue lists', () => {
    for (const name of [
      'Purchase', 'Lead', 'CompleteRegistration', 'AddToCart', 'ViewContent', 'InitiateCheckout', 'AddPaymentInfo',
      'Search', 'Contact', 'Subscribe', 'StartTrial', 'SubmitApplication', 'Schedule', 'FindLocation',
      'CustomizeProduct', 'Donate', 'AddToWishlist', 'PageView',
    ]) {
      expect(isMetaStandardEvent(name), name).toBe(true);
      expect(metaStandardEventName(name)).toBe(name);
      expect(META_STANDARD_EVENT_NAMES).toContain(name);
    }
  });

  it("gives Meta's spelling for other casings and refuses non-standard names", () => {
    expect(metaStandardEventName('initiate_checkout')).toBe('InitiateCheckout');
    expect(metaStandardEventName('purchase')).toBe('Purchase');
    expect(metaStandardEventName('add to cart')).toBe('AddToCart');
    expect(metaStandardEventName('Qualified lead')).toBeNull();
    expect(isMetaStandardEvent('Store purchase')).toBe(false);
    expect(isMetaStandardEvent('custom')).toBe(false);
  });
});

describe('conversionNameOf', () => {
  it('is the own name, or the category for events stored before 0011', () => {
    expect(conversionNameOf({ conversion_name: 'InitiateCheckout', event_name: 'custom' })).toBe('InitiateCheckout');
    expect(conversionNameOf({ conversion_name: null, event_name: 'purchase' })).toBe('purchase');
  });
});
