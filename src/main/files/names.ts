const WINDOWS_RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i;

/**
 * A name that is safe to use as one path segment: whatever a page, an upload or a report said the file
 * was called, only its last segment survives (no `/`, `\`, `..`, control or reserved characters, no
 * leading dots), capped at 120 characters. Every place a display name becomes part of a path uses this.
 */
export function safeFileName(name: string, fallback = 'file'): string {
  const last = name.split(/[/\\]/).pop() ?? '';
  let safe = last
    .replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '_')
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '')
    .slice(0, 120);
  if (WINDOWS_RESERVED.test(safe)) safe = `_${safe}`;
  return safe || fallback;
}
