import { useEffect, useState } from 'react';
import { navigate } from './router';
import { setDroppedFile } from './dropped-file';

const hasFiles = (event: DragEvent) => Array.from(event.dataTransfer?.types ?? []).includes('Files');

/** Lets a CSV be dropped anywhere on the window: shows a drop target while dragging, then opens Import. */
export function DropOverlay() {
  const [active, setActive] = useState(false);
  const [message, setMessage] = useState<string | null>(null);

  useEffect(() => {
    let depth = 0;
    const enter = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      depth++;
      setActive(true);
    };
    const over = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    };
    const leave = () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) setActive(false);
    };
    const drop = (event: DragEvent) => {
      event.preventDefault();
      depth = 0;
      setActive(false);
      const files = Array.from(event.dataTransfer?.files ?? []);
      if (files.length === 0) {
        setMessage('Only files can be imported. Drop a CSV file exported from your CRM, shop or call centre.');
        return;
      }
      if (files.length > 1) setMessage(`Importing ${files[0]!.name}; drop the other ${files.length - 1} file(s) one at a time.`);
      else setMessage(null);
      setDroppedFile(files[0]!);
      navigate('import');
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, []);

  return (
    <>
      {active && (
        <div className="drop-overlay" data-testid="drop-overlay" aria-hidden="true">
          <div className="drop-overlay__card">
            <div className="drop-overlay__title">Drop the CSV to import it</div>
            <div className="drop-overlay__hint">Personal data is normalized and hashed on this computer before it is stored.</div>
          </div>
        </div>
      )}
      {message && (
        <div className="toast" role="status" onClick={() => setMessage(null)}>
          {message}
        </div>
      )}
    </>
  );
}
