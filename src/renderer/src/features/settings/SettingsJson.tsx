import { useEffect, useState } from 'react';
import type { AppSettings } from '../../../../shared/domain/settings';
import { call, errorMessage } from '../../lib/api';
import { useQuery } from '../../lib/hooks';
import { copyText } from '../../lib/clipboard';

/** Export the settings as JSON (download or copy) and import a JSON document from another machine. */
export function SettingsJson({ dirty, onImported, onError }: { dirty: boolean; onImported(settings: AppSettings): void; onError(error: unknown): void }) {
  const [exported, setExported] = useState<string | null>(null);
  const [downloadUrl, setDownloadUrl] = useState<string | null>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const [text, setText] = useState('');
  const [importing, setImporting] = useState(false);
  const [importError, setImportError] = useState<string | null>(null);

  useEffect(() => () => void (downloadUrl && URL.revokeObjectURL(downloadUrl)), [downloadUrl]);

  const exportJson = async () => {
    setCopied(null);
    try {
      const { json } = await call('settings:exportJson', {});
      setExported(json);
      setDownloadUrl(URL.createObjectURL(new Blob([json], { type: 'application/json' })));
    } catch (e) {
      onError(e);
    }
  };

  const copy = async () => {
    if (!exported) return;
    setCopied((await copyText(exported)) ? 'Copied to the clipboard.' : 'Could not copy; select the text below and copy it instead.');
  };

  const importJson = async () => {
    setImportError(null);
    if (dirty && !window.confirm('Importing replaces all settings, including your unsaved changes. Continue?')) return;
    setImporting(true);
    try {
      const next = await call('settings:importJson', { json: text });
      setText('');
      onImported(next);
    } catch (e) {
      setImportError(errorMessage(e));
    } finally {
      setImporting(false);
    }
  };

  const readFile = async (file: File | undefined) => {
    if (!file) return;
    if (file.size > 1_000_000) return setImportError(`${file.name} is larger than 1 MB; it is not a settings file.`);
    setImportError(null);
    setText(await file.text());
  };

  return (
    <section className="card settings-section" aria-labelledby="settings-json">
      <h2 id="settings-json" className="settings-section__title">Back up or move settings</h2>
      <div className="settings-json">
        <div className="settings-json__col">
          <div className="row">
            <button type="button" data-testid="export-settings" onClick={() => void exportJson()}>
              Export settings JSON
            </button>
            {exported && downloadUrl && (
              <a className="btn" href={downloadUrl} download="convdesk-settings.json" data-testid="download-settings">
                Download file
              </a>
            )}
            {exported && (
              <button type="button" onClick={() => void copy()} data-testid="copy-settings">
                Copy
              </button>
            )}
            {copied && <span className="muted" role="status">{copied}</span>}
          </div>
          {exported ? (
            <textarea className="settings-json__text mono" readOnly value={exported} aria-label="Exported settings JSON" data-testid="settings-json-out" rows={10} />
          ) : (
            <p className="muted">The saved settings as a JSON document, to keep as a backup or to import on another computer. It contains no personal data.</p>
          )}
        </div>
        <div className="settings-json__col">
          <label htmlFor="settings-import-text" className="field__label">Import settings JSON</label>
          <textarea
            id="settings-import-text"
            className="settings-json__text mono"
            data-testid="settings-json-in"
            rows={10}
            value={text}
            placeholder='Paste a document exported here, e.g. { "convdeskSettings": { … } }'
            spellCheck={false}
            onChange={(e) => (setText(e.target.value), setImportError(null))}
          />
          {importError && (
            <div className="field__error" role="alert" data-testid="settings-import-error">
              {/[.!?)]$/.test(importError) ? importError : `${importError}.`} Nothing was changed.
            </div>
          )}
          <div className="row">
            <button type="button" className="btn" data-testid="import-settings" disabled={!text.trim() || importing} onClick={() => void importJson()}>
              {importing ? 'Importing…' : 'Import'}
            </button>
            <label className="link-btn settings-json__file">
              or choose a .json file…
              <input type="file" accept=".json,application/json" hidden onChange={(e) => void readFile(e.target.files?.[0])} />
            </label>
            <span className="muted">Replaces all settings; fields missing from the file get their defaults.</span>
          </div>
        </div>
      </div>
    </section>
  );
}

/** Where the database lives (from app:info), for backups. */
export function DatabaseLocation() {
  const info = useQuery(() => call('app:info', {}), [], []);
  const [copied, setCopied] = useState(false);
  if (!info.data) return null;
  const path = info.data.databasePath;
  return (
    <section className="card settings-section" aria-labelledby="settings-db" data-testid="database-location">
      <h2 id="settings-db" className="settings-section__title">Database</h2>
      <div className="row">
        <span className="mono settings-db__path" data-testid="database-path">{path}</span>
        <button type="button" onClick={() => void copyText(path).then(setCopied)}>
          {copied ? 'Copied' : 'Copy path'}
        </button>
      </div>
      <p className="muted">
        All events live in this one SQLite file (with its -wal file beside it). To back up, quit Conversion Desk and copy the file. It holds hashed identifiers only, but
        treat it as customer data. Version {info.data.version}.
      </p>
    </section>
  );
}
