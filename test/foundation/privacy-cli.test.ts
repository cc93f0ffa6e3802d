import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeAppContext } from '../../src/main/app/context';
import { main } from '../../src/main/cli/index';
import { createEvent } from '../../src/main/events/service';
import { sha256Hex } from '../../src/main/identity';
import { createTestContext } from '../helpers/context';

let ctx: ReturnType<typeof createTestContext>;
beforeEach(() => {
  ctx = createTestContext();
});
afterEach(() => ctx.cleanup());

async function cli(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(['--db', ctx.dbPath, ...args], { out: (t) => void (stdout += `${t}\n`), err: (t) => void (stderr += `${t}\n`) });
  return { code, stdout, stderr };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('privacy canary', () => {
  it('never writes raw personal data to the database, WAL or data folder', async () => {
    const raw = { email: 'Canary.Zebra.7731@Gmail.com', phone: '+44 20 7946 0123', first: 'Quixotica', last: "Vandermeer-O'Shaugh" };
    createEvent(ctx.db, { event_name: 'purchase', email: raw.email, phone: raw.phone, first_name: raw.first, last_name: raw.last });
    const viaCli = await cli('events', 'add', '--name', 'lead', '--email', 'cli.canary.4410@example.org', '--phone', '(415) 555-0199', '--default-country', 'US', '--first-name', 'Zanzibarine');
    expect(viaCli.code).toBe(0);
    closeAppContext(ctx);
    const needles = [
      raw.email, raw.email.toLowerCase(), 'canaryzebra7731@gmail.com', '2079460123', 'Quixotica', 'quixotica', 'Vandermeer', 'vandermeer',
      'cli.canary.4410@example.org', '4155550199', 'Zanzibarine', 'zanzibarine',
    ];
    const files = filesUnder(ctx.dataDir);
    expect(files.some((file) => file.endsWith('.db'))).toBe(true);
    const haystacks = files.map((file) => readFileSync(file));
    for (const needle of needles) {
      for (const bytes of haystacks) {
        expect(bytes.includes(Buffer.from(needle, 'utf8'))).toBe(false);
        expect(bytes.includes(Buffer.from(needle, 'utf16le'))).toBe(false);
      }
    }
    const all = Buffer.concat(haystacks);
    expect(all.includes(Buffer.from(sha256Hex('canaryzebra7731@gmail.com')))).toBe(true);
  });
});

describe('convdesk CLI', () => {
  it('adds an event and lists it as JSON with the original field names and hashes only', async () => {
    const added = await cli('events', 'add', '--name', 'purchase', '--email', 'Jane.Doe@gmail.com', '--value', '12.30', '--currency', 'EUR', '--event-id', 'ORD-1', '--json');
    expect(added.code).toBe(0);
    const listed = await cli('events', 'list', '--json');
    expect(listed.code).toBe(0);
    const body = JSON.parse(listed.stdout) as { events: Record<string, unknown>[]; total: number };
    expect(body.total).toBe(1);
    expect(body.events[0]).toMatchObject({
      event_name: 'purchase',
      event_id: 'ORD-1',
      user_email_hash: sha256Hex('janedoe@gmail.com'),
      event_value: '12.3',
      currency: 'EUR',
      sync_status: 'pending',
    });
    expect(listed.stdout).not.toContain('Jane.Doe');
  });

  it('exits non-zero on an illegal transition and changes nothing', async () => {
    await cli('events', 'add', '--name', 'lead', '--event-id', 'L-1');
    const refused = await cli('events', 'mark-sent', '--filter-status', 'pending');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/^convdesk: Nothing changed: 1 cannot mark sent an event that is pending/);
    const stats = JSON.parse((await cli('stats', '--json')).stdout) as { byStatus: Record<string, number> };
    expect(stats.byStatus).toMatchObject({ pending: 1, sent: 0 });
    const queued = await cli('events', 'queue', '--filter-status', 'pending', '--json');
    expect(JSON.parse(queued.stdout)).toMatchObject({ changed: 1 });
  });

  it('reports usage errors on stderr with exit code 2', async () => {
    expect((await cli('events', 'add')).code).toBe(2);
    expect((await cli('events', 'list', '--status', 'bogus')).code).toBe(2);
    expect((await main(['events', 'list'], { out: () => undefined, err: () => undefined }))).toBe(2);
  });
});
