/**
 * A file dropped anywhere on the window, waiting for the Import screen to pick it up.
 * The shell catches the drop on any screen, stores the File here and opens Import.
 */
type Listener = (file: File | null) => void;
let pending: File | null = null;
const listeners = new Set<Listener>();

export function setDroppedFile(file: File | null): void {
  pending = file;
  for (const listener of listeners) listener(file);
}

/** Takes the pending file (once). */
export function takeDroppedFile(): File | null {
  const file = pending;
  pending = null;
  return file;
}

export function subscribeDroppedFile(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
