import { afterEach, describe, expect, it } from 'vitest';
import { reviewContext } from './helpers';

let env: ReturnType<typeof reviewContext>;
afterEach(async () => env?.cleanup());

describe('saved views', () => {
  it('saves, lists by name, updates, replaces by name, deletes', async () => {
    env = reviewContext();
    expect(await env.call('views:list', {})).toEqual([]);
    const failed = await env.call('views:save', {
      name: 'Failed this week',
      filter: { statuses: ['failed'], timeFrom: '2026-03-01T00:00:00+01:00' },
      sort: { field: 'event_value', direction: 'desc' },
      columns: [{ id: 'event_time', width: 160 }, { id: 'user_agent', hidden: true }],
    });
    expect(failed).toMatchObject({
      name: 'Failed this week',
      filter: { statuses: ['failed'], timeFrom: '2026-02-28T23:00:00.000Z' },
      sort: { field: 'event_value', direction: 'desc' },
      columns: [{ id: 'event_time', width: 160 }, { id: 'user_agent', hidden: true }],
    });
    const all = await env.call('views:save', { name: 'all' });
    expect(all).toMatchObject({ filter: {}, sort: { field: 'event_time', direction: 'desc' }, columns: [] });
    expect((await env.call('views:list', {})).map((v) => v.name)).toEqual(['all', 'Failed this week']);

    const renamed = await env.call('views:save', { id: all.id, name: 'Everything', filter: { hasIdentifiers: false } });
    expect(renamed).toMatchObject({ id: all.id, name: 'Everything', filter: { hasIdentifiers: false } });
    // Same name without id replaces that view (case-insensitive), keeping its id.
    const replaced = await env.call('views:save', { name: 'everything', filter: { eventNames: ['lead'] } });
    expect(replaced.id).toBe(all.id);
    expect(await env.call('views:list', {})).toHaveLength(2);
    await expect(env.call('views:save', { id: failed.id, name: 'EVERYTHING' })).rejects.toMatchObject({ code: 'duplicate' });
    await expect(env.call('views:save', { id: 'nope', name: 'x' })).rejects.toMatchObject({ code: 'not_found' });

    expect(await env.call('views:delete', { id: failed.id })).toEqual({ deleted: true });
    expect(await env.call('views:delete', { id: failed.id })).toEqual({ deleted: false });
    expect((await env.call('views:list', {})).map((v) => v.name)).toEqual(['everything']);
  });

  it('refuses invalid filters, sorts and columns', async () => {
    env = reviewContext();
    await expect(env.call('views:save', { name: 'x', filter: { statuses: ['lost'] } } as never)).rejects.toMatchObject({ code: 'validation' });
    await expect(env.call('views:save', { name: 'x', sort: { field: 'user_email_hash' } } as never)).rejects.toMatchObject({ code: 'validation' });
    await expect(env.call('views:save', { name: '  ' })).rejects.toMatchObject({ code: 'validation' });
    await expect(env.call('views:save', { name: 'x', filter: { sql: '1=1' } } as never)).rejects.toMatchObject({ code: 'validation' });
  });
});
