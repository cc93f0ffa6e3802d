import { useEffect, useState } from 'react';
import { EVENT_NAMES } from '../../../../shared/domain/events';
import { DELIMITERS, ENCODINGS, IMPORT_TARGETS, type FileRef, type ImportMapping, type ImportOptionsInput, type ImportTarget, type SniffResult } from '../../../../shared/domain/imports';
import { percent, type SampleQuality } from '../../../../shared/domain/match-quality';
import { call } from '../../lib/api';
import { DELIMITER_LABELS, formatBytes, TARGET_LABELS } from './labels';
import { MatchQualityCard } from './MatchQualityCard';

/** Preview chips per column (main already spread the preview rows through the file). */
const PREVIEW_CHIPS = 5;

export interface MappingStepProps {
  file: FileRef;
  sniff: SniffResult;
  /** From Settings: the country assumed for phone numbers written without +code. */
  defaultCountry: string;
  busy: boolean;
  onReSniff(overrides: { encoding?: SniffResult['encoding']; delimiter?: SniffResult['delimiter'] }): void;
  onStart(mapping: ImportMapping, options: ImportOptionsInput): void;
  onSavePreset(name: string, mapping: ImportMapping): void;
  onCancel(): void;
}

/** Column → field mapping with the detected format, a masked preview and the defaults for missing columns. */
export function MappingStep({ file, sniff, defaultCountry, busy, onReSniff, onStart, onSavePreset, onCancel }: MappingStepProps) {
  const [columns, setColumns] = useState<ImportTarget[]>(sniff.suggestedMapping.columns);
  const [options, setOptions] = useState<ImportOptionsInput>({
    onDuplicate: 'skip',
    eventName: 'purchase',
    currency: 'USD',
    defaultCountry,
    timezone: sniff.timezone ?? undefined,
    decimalComma: sniff.decimalComma,
  });
  const [presetName, setPresetName] = useState('');
  const [quality, setQuality] = useState<SampleQuality | null>(null);
  const chips = sniff.rows.slice(0, PREVIEW_CHIPS).map((_, i) => i);
  const country = options.defaultCountry;
  const columnsKey = columns.join(',');
  useEffect(() => {
    // Fill rates follow the mapping and the phone country; stale answers are dropped.
    let current = true;
    const timer = setTimeout(() => {
      call('imports:quality', {
        file: { id: file.id },
        mapping: { columns },
        encoding: sniff.encoding,
        delimiter: sniff.delimiter,
        defaultCountry: country && /^[A-Za-z]{2}$/.test(country) ? country : undefined,
      }).then(
        (q) => current && setQuality(q),
        () => current && setQuality(null),
      );
    }, 150);
    return () => {
      current = false;
      clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [file.id, columnsKey, country, sniff.encoding, sniff.delimiter]);
  const mapped = (target: ImportTarget) => columns.includes(target);
  const duplicates = columns.filter((t, i) => t !== 'ignore' && t !== 'custom' && columns.indexOf(t) !== i);
  const set = <K extends keyof ImportOptionsInput>(key: K, value: ImportOptionsInput[K]) => setOptions((o) => ({ ...o, [key]: value }));

  return (
    <div className="import-mapping" data-testid="mapping-step">
      <div className="card import-file">
        <div>
          <div className="import-file__name">{file.name}</div>
          <div className="muted">{formatBytes(file.size)}</div>
        </div>
        <div className="row">
          <label className="field">
            <span className="field__label">Encoding</span>
            <select data-testid="encoding-select" value={sniff.encoding} onChange={(e) => onReSniff({ encoding: e.target.value as SniffResult['encoding'] })}>
              {ENCODINGS.map((enc) => (
                <option key={enc} value={enc}>{enc.toUpperCase()}{enc === sniff.encoding && sniff.hasBom ? ' (BOM)' : ''}</option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="field__label">Delimiter</span>
            <select data-testid="delimiter-select" value={sniff.delimiter} onChange={(e) => onReSniff({ delimiter: e.target.value as SniffResult['delimiter'] })}>
              {DELIMITERS.map((d) => (
                <option key={d} value={d}>{DELIMITER_LABELS[d]}</option>
              ))}
            </select>
          </label>
          <div className="field">
            <span className="field__label">File's time zone</span>
            <span data-testid="detected-timezone">{sniff.timezone ?? 'none'}</span>
          </div>
          <div className="field">
            <span className="field__label">Decimal</span>
            <span>{sniff.decimalComma ? 'comma (1.234,56)' : 'point (1,234.56)'}</span>
          </div>
          {sniff.preset && <span className="status-pill status-pill--queued" data-testid="preset-match">Preset: {sniff.preset.name}</span>}
        </div>
      </div>

      {sniff.warnings.length > 0 && (
        <div className="banner banner--info" data-testid="sniff-warnings">
          <ul className="plain-list">{sniff.warnings.map((w) => <li key={w}>{w}</li>)}</ul>
        </div>
      )}

      <div className="mapping-scroll">
        <table className="table mapping-table" data-testid="mapping-table">
          <thead>
            <tr>
              <th>Column in file</th>
              <th>Maps to</th>
              <th className="num" title="Rows with a value in this column; for identifiers, those with a value a platform can use">Filled · valid</th>
              <th title="Rows taken from across the whole file; personal data masked">Preview (rows from across the file, masked)</th>
            </tr>
          </thead>
          <tbody>
            {sniff.headers.map((header, index) => (
              <tr key={`${header}-${index}`} data-testid="mapping-row">
                <td className="mono">{header || <span className="muted">(empty header)</span>}</td>
                <td>
                  <select
                    aria-label={`Field for column ${header}`}
                    data-testid={`mapping-select-${index}`}
                    value={columns[index] ?? 'ignore'}
                    className={duplicates.includes(columns[index]!) ? 'invalid' : undefined}
                    onChange={(e) => setColumns((cols) => cols.map((c, i) => (i === index ? (e.target.value as ImportTarget) : c)))}
                  >
                    {IMPORT_TARGETS.map((target) => (
                      <option key={target} value={target}>{TARGET_LABELS[target]}</option>
                    ))}
                  </select>
                </td>
                <td className="num fill-rate" data-testid={`fill-rate-${index}`}>
                  {quality?.columns[index] && (
                    <>
                      {percent(quality.columns[index].filled, quality.rows)}%
                      {quality.columns[index].valid !== null && <> · <span data-testid={`valid-rate-${index}`}>{percent(quality.columns[index].valid, quality.rows)}% valid</span></>}
                    </>
                  )}
                </td>
                <td className="preview-cells">
                  <div className="preview-cells__list">
                    {chips.map((r) => (
                      sniff.rows[r]?.[index] ? (
                        <span key={r} className="preview-cell" data-testid={`preview-${index}-${r}`}>{sniff.rows[r]![index]}</span>
                      ) : (
                        <span key={r} className="preview-cell preview-cell--blank" data-testid={`preview-${index}-${r}`} title="blank in this row">—</span>
                      )
                    ))}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      {quality && <MatchQualityCard quality={quality} file={{ rows: quality.fileRows, wholeFile: quality.wholeFile }} testId="mapping-quality" />}

      <div className="card import-defaults">
        <div className="card__title">For rows without these columns</div>
        <div className="row">
          {!mapped('event_name') && (
            <label className="field">
              <span className="field__label">Conversion name</span>
              <input data-testid="event-name-input" list="import-event-names" value={options.eventName ?? ''} onChange={(e) => set('eventName', e.target.value || undefined)} />
              <datalist id="import-event-names">
                {EVENT_NAMES.map((n) => <option key={n} value={n} />)}
              </datalist>
            </label>
          )}
          <label className="field">
            <span className="field__label">Currency</span>
            <input size={5} value={options.currency ?? ''} onChange={(e) => set('currency', e.target.value)} />
          </label>
          <label className="field">
            <span className="field__label">Time zone for times without offset</span>
            <input data-testid="timezone-input" placeholder="Europe/Paris" value={options.timezone ?? ''} onChange={(e) => set('timezone', e.target.value || undefined)} />
          </label>
          <label className="field">
            <span className="field__label">Phone country (no +code)</span>
            <input size={4} value={options.defaultCountry ?? ''} onChange={(e) => set('defaultCountry', e.target.value || undefined)} />
          </label>
          <label className="field field--check">
            <input type="checkbox" data-testid="strict-rows" checked={options.strict ?? false} onChange={(e) => set('strict', e.target.checked)} />
            <span className="field__label">Refuse a row when any identifier is invalid (otherwise it is dropped with a warning)</span>
          </label>
          <label className="field">
            <span className="field__label">Event ID already known</span>
            <select data-testid="on-duplicate" value={options.onDuplicate} onChange={(e) => set('onDuplicate', e.target.value as ImportOptionsInput['onDuplicate'])}>
              <option value="skip">Skip (keep the stored event)</option>
              <option value="update">Update the stored event</option>
              <option value="error">Report as an error</option>
            </select>
          </label>
        </div>
      </div>

      {duplicates.length > 0 && (
        <div className="banner banner--error" role="alert">
          {[...new Set(duplicates)].map((t) => TARGET_LABELS[t]).join(', ')} is mapped to more than one column.
        </div>
      )}

      <div className="row import-actions">
        <button type="button" className="btn--primary btn" data-testid="start-import" disabled={busy || duplicates.length > 0} onClick={() => onStart({ columns }, options)}>
          Import {file.name}
        </button>
        <button type="button" onClick={onCancel} disabled={busy}>Choose another file</button>
        <span className="spacer" />
        <input placeholder="Preset name" value={presetName} aria-label="Preset name" onChange={(e) => setPresetName(e.target.value)} />
        <button type="button" disabled={!presetName.trim()} onClick={() => { onSavePreset(presetName.trim(), { columns }); setPresetName(''); }}>
          Save mapping as preset
        </button>
      </div>
    </div>
  );
}
