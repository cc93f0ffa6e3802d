import type { ImportProgress } from '../../../../shared/ipc/events';
import { formatCount } from '../../lib/format';
import { formatBytes, formatEta } from './labels';

export function ProgressStep({ fileName, progress, onCancel, cancelling }: { fileName: string; progress: ImportProgress | null; onCancel(): void; cancelling: boolean }) {
  // Large imports rebuild the event indexes after reading (seconds each): the bar then follows the indexes.
  const indexing = progress?.phase === 'indexing' && progress.indexesTotal ? { done: progress.indexesDone ?? 0, total: progress.indexesTotal } : null;
  const fraction = indexing
    ? indexing.done / indexing.total
    : progress && progress.bytesTotal > 0
      ? Math.min(1, progress.bytesDone / progress.bytesTotal)
      : 0;
  return (
    <div className="card import-progress" data-testid="import-progress">
      <div className="card__title">Importing {fileName}</div>
      <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(fraction * 100)}>
        <div className="progress__bar" style={{ width: `${(fraction * 100).toFixed(1)}%` }} />
      </div>
      <div className="row muted">
        <span data-testid="progress-rows">{formatCount(progress?.rowsDone ?? 0)} rows</span>
        <span>·</span>
        <span data-testid="progress-detail">
          {indexing
            ? `building indexes: ${indexing.done} of ${indexing.total}`
            : progress
              ? `${formatBytes(progress.bytesDone)} of ${formatBytes(progress.bytesTotal)}`
              : 'starting…'}
        </span>
        <span>·</span>
        <span>{formatCount(Math.round(progress?.rowsPerSecond ?? 0))} rows/s</span>
        <span>·</span>
        <span>ETA {formatEta(progress?.etaSeconds ?? null)}</span>
        {progress?.phase === 'finishing' && <span>· saving…</span>}
      </div>
      <div>
        <button type="button" className="btn btn--danger" data-testid="cancel-import" onClick={onCancel} disabled={cancelling}>
          {cancelling ? 'Cancelling…' : 'Cancel import'}
        </button>
        <span className="muted"> Cancelling keeps nothing from this file.</span>
      </div>
    </div>
  );
}
