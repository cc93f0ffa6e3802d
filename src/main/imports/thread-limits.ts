/**
 * V8 heap limits of the import's threads (the pipeline worker and its mappers). Their young
 * generation fills with batches that live until they are stored: with V8's default (48 MB: 16 MB
 * semi-spaces) a 100k-row import peaked at 289 MB, with this limit (4 MB semi-spaces) at 250 MB, for
 * about 4% more cpu (median of 5 alternating pairs, 0.97-1.16; loaded machine). The export threads go the
 * other way (exports/run.ts): their rows need no room to wait in. CONVDESK_IMPORT_YOUNG_MB overrides.
 */
export const IMPORT_THREAD_LIMITS = { maxYoungGenerationSizeMb: Number(process.env.CONVDESK_IMPORT_YOUNG_MB) || 12 };
