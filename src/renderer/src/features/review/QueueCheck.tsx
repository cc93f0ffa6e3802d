import type { EventFilter } from '../../../../shared/domain/filters';
import type { UploadCheck } from '../../../../shared/ipc/channels/events';
import { routeHref } from '../../app/router';
import { call } from '../../lib/api';
import { formatCount } from '../../lib/format';
import { useQuery } from '../../lib/hooks';

const REASON_TEXT: Record<UploadCheck['reasons'][number]['code'], (n: number, check: UploadCheck) => string> = {
  no_identifiers: (n) => `${formatCount(n)} have no click id, no email or phone and nothing else any platform can match on`,
  unmapped: (n, check) =>
    `${formatCount(n)} have a conversion name mapped neither to a Google Ads action nor to a Meta event (${check.unmappedNames.slice(0, 3).map((name) => `“${name}”`).join(', ')}${check.unmappedNames.length > 3 ? '…' : ''})`,
  too_old: (n) => `${formatCount(n)} are older than every platform’s upload window (Google Ads 90 days)`,
};

/** Review links for a reason: "no identifiers" and "too old" (older than Google's window, the longest) are filters. */
function reviewLink(code: UploadCheck['reasons'][number]['code'], scope: EventFilter | null): string | null {
  const params: Record<string, string> = {};
  if (scope?.importId) params.import = scope.importId;
  if (code === 'no_identifiers') params.problem = 'no_ids:any';
  else if (code === 'too_old') params.problem = 'too_old:google_ads';
  else return null; // "mapped to neither" is two filters at once; the names are listed instead
  return routeHref('review', params);
}

/**
 * The queue confirmation's upload check (issue 15 item 5): how many of the events about to be queued
 * no destination can take, and why, each reason linked to Review.
 */
export function QueueCheck({ target }: { target: { ids: string[] } | { filter: EventFilter } }) {
  const key = JSON.stringify(target);
  const check = useQuery(() => call('events:uploadCheck', { target }), [key], []);
  const c = check.data;
  if (!c) return <p className="muted" data-testid="queue-check">{check.error ? 'Could not check whether they can be uploaded.' : 'Checking whether they can be uploaded…'}</p>;
  if (c.cannotUpload === 0) {
    return (
      <p className="muted" data-testid="queue-check" data-cannot={0}>
        Every one of them can go to at least one platform.
      </p>
    );
  }
  const scope = 'filter' in target ? target.filter : null;
  return (
    <div className="banner banner--warn queue-check" data-testid="queue-check" data-cannot={c.cannotUpload}>
      <div>
        <strong>
          {formatCount(c.cannotUpload)} of {formatCount(c.total)} cannot be uploaded anywhere
        </strong>{' '}
        — queuing them changes nothing on Google or Meta:
        <ul className="queue-check__reasons">
          {c.reasons.map((r) => {
            const href = reviewLink(r.code, scope);
            return (
              <li key={r.code} data-testid="queue-check-reason" data-code={r.code}>
                {REASON_TEXT[r.code](r.count, c)}
                {href && (
                  <>
                    {' '}
                    · <a href={href}>show in Review</a>
                  </>
                )}
              </li>
            );
          })}
        </ul>
      </div>
    </div>
  );
}
