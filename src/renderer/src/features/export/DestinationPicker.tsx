import type { ExportFormat } from '../../../../shared/domain/exports';
import { DESTINATIONS } from './labels';

/** One radio card per upload format. */
export function DestinationPicker({ value, onChange, disabled }: { value: ExportFormat; onChange(format: ExportFormat): void; disabled?: boolean }) {
  return (
    <div className="destination-picker" role="radiogroup" aria-labelledby="destination-label" data-testid="destination-picker">
      {DESTINATIONS.map((d) => (
        <label key={d.format} className={`destination-option${value === d.format ? ' is-selected' : ''}`} data-testid={`destination-${d.format}`}>
          <input type="radio" name="export-destination" value={d.format} checked={value === d.format} disabled={disabled} onChange={() => onChange(d.format)} />
          <span className="destination-option__text">
            <span className="destination-option__title">{d.title}</span>
            <span className="destination-option__hint">{d.hint}</span>
          </span>
        </label>
      ))}
    </div>
  );
}
