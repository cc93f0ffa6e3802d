import { EVENT_NAMES, type ConversionEventName } from '../../../../shared/domain/events';
import type { FieldErrors, SettingsDraft } from './form';
import { GOOGLE_ACTIONS_LIST_ID } from './GoogleConnection';

const EVENT_LABELS: Record<ConversionEventName, string> = {
  purchase: 'Purchase',
  lead: 'Lead',
  signup: 'Sign-up',
  add_to_cart: 'Add to cart',
  page_view: 'Page view',
  custom: 'Custom',
};

export function DestinationsTable({
  destinations,
  errors,
  onChange,
}: {
  destinations: SettingsDraft['destinations'];
  errors: FieldErrors;
  onChange(name: ConversionEventName, value: Partial<{ google: string; meta: string }>): void;
}) {
  return (
    <table className="table destinations-table" data-testid="destinations-table">
      <thead>
        <tr>
          <th>Event name</th>
          <th>Google Ads conversion action</th>
          <th>Meta event name</th>
        </tr>
      </thead>
      <tbody>
        {EVENT_NAMES.map((name) => {
          const googleError = errors[`destinations.${name}.googleConversionName`];
          const metaError = errors[`destinations.${name}.metaEventName`];
          return (
            <tr key={name} data-testid="destination-row" data-event-name={name}>
              <td>
                <div>{EVENT_LABELS[name]}</div>
                <div className="mono muted">{name}</div>
              </td>
              <td>
                <input
                  aria-label={`Google Ads conversion action for ${name}`}
                  data-testid={`google-action-${name}`}
                  list={GOOGLE_ACTIONS_LIST_ID}
                  value={destinations[name].google}
                  placeholder="Not sent to Google Ads"
                  maxLength={100}
                  aria-invalid={!!googleError}
                  onChange={(e) => onChange(name, { google: e.target.value })}
                />
                {googleError && <div className="field__error" data-testid="field-error">{googleError}</div>}
              </td>
              <td>
                <input
                  aria-label={`Meta event name for ${name}`}
                  data-testid={`meta-event-${name}`}
                  value={destinations[name].meta}
                  placeholder="Not sent to Meta"
                  maxLength={50}
                  spellCheck={false}
                  aria-invalid={!!metaError}
                  onChange={(e) => onChange(name, { meta: e.target.value })}
                />
                {metaError && <div className="field__error" data-testid="field-error">{metaError}</div>}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
