import { useState, type MouseEvent } from 'react';
import { copyText } from '../lib/clipboard';

/** A copy-to-clipboard button that says "Copied" for a moment. */
export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [done, setDone] = useState(false);
  const onClick = async (event: MouseEvent) => {
    event.stopPropagation();
    if (await copyText(text)) {
      setDone(true);
      setTimeout(() => setDone(false), 1200);
    }
  };
  return (
    <button type="button" className="copy-btn" onClick={onClick} aria-label={`${label} ${text}`} title={done ? 'Copied' : `Copy ${text}`} data-testid="copy-button">
      {done ? (
        '✓'
      ) : (
        <svg width="12" height="12" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
          <rect x="5.5" y="5.5" width="8" height="8" rx="1.5" fill="none" stroke="currentColor" strokeWidth="1.4" />
          <path d="M3.5 10.5h-.5a1 1 0 0 1-1-1v-6.5a1 1 0 0 1 1-1h6.5a1 1 0 0 1 1 1v.5" fill="none" stroke="currentColor" strokeWidth="1.4" />
        </svg>
      )}
    </button>
  );
}

/** A long value (hash, click id) shown shortened, full value on hover, with a copy button. */
export function ShortValue({ value, head = 8 }: { value: string | null | undefined; head?: number }) {
  if (!value) return <span className="muted">—</span>;
  const short = value.length > head + 2 ? `${value.slice(0, head)}…` : value;
  return (
    <span className="short-value">
      <span className="mono" title={value}>{short}</span>
      <CopyButton text={value} />
    </span>
  );
}
