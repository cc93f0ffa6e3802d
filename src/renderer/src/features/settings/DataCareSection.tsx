import { useEffect, useState } from 'react';
import type { ErasureOutcome } from '../../../../shared/domain/privacy';
import { call, errorMessage } from '../../lib/api';
import { useQuery } from '../../lib/hooks';

const plural = (n: number, word: string) => `${n.toLocaleString()} ${word}${n === 1 ? '' : 's'}`;
const describe = (o: ErasureOutcome) =>
  `${plural(o.eventsDeleted, 'event')}, ${plural(o.historyDeleted, 'history row')}, ${plural(o.batchLinksDeleted, 'batch link')} and ${plural(o.deliveriesDeleted, 'delivery record')} deleted`;

/** Backup and restore of the database, "Forget a person", and the retention rule (issue 14, items 11 and 12). */
export function DataCareSection() {
  const [status, setStatus] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [kind, setKind] = useState<'email' | 'phone'>('email');
  const [identifier, setIdentifier] = useState('');
  const retention = useQuery(() => call('privacy:getRetention', {}), [], []);
  const erasures = useQuery(() => call('privacy:erasures', { limit: 5 }), []);
  const [enabled, setEnabled] = useState(false);
  const [days, setDays] = useState('395');

  useEffect(() => {
    if (retention.data) {
      setEnabled(retention.data.enabled);
      setDays(String(retention.data.days));
    }
  }, [retention.data]);

  const run = async (work: () => Promise<string | null>) => {
    setBusy(true);
    setStatus(null);
    setFailure(null);
    try {
      const text = await work();
      if (text) setStatus(text);
    } catch (e) {
      setFailure(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const backup = () => run(async () => {
    const result = await call('backup:create', {});
    return result && `Backup written to ${result.path} (${(result.bytes / 1e6).toFixed(1)} MB).`;
  });
  const restore = () => run(async () => {
    if (!window.confirm('Restoring replaces every event, batch and setting with the backup’s. The current database is kept until the restore has succeeded. Continue?')) return null;
    const result = await call('backup:restore', {});
    return result && `Restored from ${result.restoredFrom}.`;
  });
  const forget = () => run(async () => {
    const value = identifier.trim();
    if (!value) return null;
    if (!window.confirm(`Delete every event of this person (matched by ${kind}, with every platform’s hash)? This cannot be undone.`)) return null;
    const outcome = await call('privacy:forget', kind === 'email' ? { email: value } : { phone: value });
    setIdentifier('');
    erasures.reload();
    return `${describe(outcome)}. Files already exported keep their rows.`;
  });
  const saveRetention = () => run(async () => {
    const n = Number(days);
    if (enabled && !window.confirm(`Delete events sent more than ${n} days ago, now and every day?`)) return null;
    const { applied } = await call('privacy:setRetention', { enabled, days: n });
    erasures.reload();
    return applied ? `Retention saved: ${describe(applied)}.` : 'Retention saved (off).';
  });

  return (
    <section className="card settings-section" aria-labelledby="settings-data-care" data-testid="data-care">
      <h2 id="settings-data-care" className="settings-section__title">Backup, erasure and retention</h2>
      <div className="row">
        <button type="button" disabled={busy} onClick={() => void backup()} data-testid="backup-create">Back up database…</button>
        <button type="button" disabled={busy} onClick={() => void restore()} data-testid="backup-restore">Restore a backup…</button>
        <span className="muted">A consistent copy, safe while the app works. A backup holds hashed customer data: keep it as safely as the app’s own file.</span>
      </div>
      <form className="row" onSubmit={(e) => (e.preventDefault(), void forget())} aria-label="Forget a person">
        <label htmlFor="forget-kind" className="field__label">Forget a person</label>
        <select id="forget-kind" value={kind} onChange={(e) => setKind(e.target.value as 'email' | 'phone')}>
          <option value="email">Email</option>
          <option value="phone">Phone</option>
        </select>
        <input
          aria-label={kind === 'email' ? 'Email address' : 'Phone number'}
          data-testid="forget-identifier"
          autoComplete="off"
          value={identifier}
          maxLength={kind === 'email' ? 320 : 64}
          onChange={(e) => setIdentifier(e.target.value)}
          placeholder={kind === 'email' ? 'name@example.com' : '+44 20 7946 0958'}
        />
        <button type="submit" className="btn danger" disabled={busy || !identifier.trim()} data-testid="forget-submit">Delete their events…</button>
      </form>
      <p className="muted">The value is hashed in memory with Google’s and Meta’s rules and never stored; the audit keeps only the counts.</p>
      <form className="row" onSubmit={(e) => (e.preventDefault(), void saveRetention())} aria-label="Retention">
        <label>
          <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} data-testid="retention-enabled" /> Delete events sent more than
        </label>
        <input type="number" min={1} max={36500} value={days} onChange={(e) => setDays(e.target.value)} aria-label="Days" style={{ width: '6em' }} data-testid="retention-days" />
        <span>days ago (at start and daily)</span>
        <button type="submit" disabled={busy} data-testid="retention-save">Save</button>
      </form>
      {status && <p role="status" data-testid="data-care-status">{status}</p>}
      {failure && <div className="field__error" role="alert" data-testid="data-care-error">{failure}</div>}
      {!!erasures.data?.length && (
        <ul className="muted" aria-label="Recent erasures">
          {erasures.data.map((e) => (
            <li key={e.id}>
              {new Date(e.createdAt).toLocaleString()}: {e.kind === 'forget' ? `forget (${e.identifierKind})` : `retention (${e.retentionDays} days)`}, {plural(e.eventsDeleted, 'event')} deleted
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
