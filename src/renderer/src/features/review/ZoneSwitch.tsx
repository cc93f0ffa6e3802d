import { computerZone, useDisplayZone, type ZoneChoice } from '../../lib/time-zone';

/** "Times in: the account's zone / this computer's zone" (issue 15 item 8); the grid, detail and Export follow it. */
export function ZoneSwitch() {
  const { choice, setChoice, accountZone } = useDisplayZone();
  return (
    <label className="zone-switch" title="The zone the times on these screens are shown in">
      <span className="muted">Times in</span>
      <select data-testid="zone-choice" value={choice} onChange={(e) => setChoice(e.target.value as ZoneChoice)}>
        <option value="account">{accountZone ?? 'the account zone'} (account)</option>
        <option value="computer">{computerZone} (this computer)</option>
      </select>
    </label>
  );
}
