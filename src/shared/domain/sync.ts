import { z } from 'zod';
import type { ConversionSyncStatus } from './events';

/**
 * The sync state machine (DESIGN.md §4). Main enforces it; the renderer uses the same table to
 * decide which actions to offer.
 *
 *   pending ──queue──▶ queued ──mark_sent──▶ sent
 *      ▲  │              │  └──mark_failed──▶ failed ──retry──▶ queued
 *      │  └─skip─▶ skipped ◀──skip── (queued, failed)
 *      └──restore── skipped          queued ──unqueue──▶ pending
 */
export const SYNC_ACTIONS = ['queue', 'unqueue', 'skip', 'restore', 'mark_sent', 'mark_failed', 'retry'] as const;
export const SyncActionSchema = z.enum(SYNC_ACTIONS);
export type SyncAction = z.infer<typeof SyncActionSchema>;

export const TRANSITIONS: Record<SyncAction, { from: readonly ConversionSyncStatus[]; to: ConversionSyncStatus }> = {
  queue: { from: ['pending'], to: 'queued' },
  unqueue: { from: ['queued'], to: 'pending' },
  skip: { from: ['pending', 'queued', 'failed'], to: 'skipped' },
  restore: { from: ['skipped'], to: 'pending' },
  mark_sent: { from: ['queued'], to: 'sent' },
  mark_failed: { from: ['queued'], to: 'failed' },
  retry: { from: ['failed'], to: 'queued' },
};

export function canTransition(action: SyncAction, from: ConversionSyncStatus): boolean {
  return TRANSITIONS[action].from.includes(from);
}

/** Actions that count as a send attempt (increment sync_attempts). */
export const ATTEMPT_ACTIONS: readonly SyncAction[] = ['mark_sent', 'mark_failed'];

export const ACTION_LABELS: Record<SyncAction, string> = {
  queue: 'Queue',
  unqueue: 'Unqueue',
  skip: 'Skip',
  restore: 'Restore',
  mark_sent: 'Mark sent',
  mark_failed: 'Mark failed',
  retry: 'Retry',
};

/** The status an action can never reach from, explained for humans. */
export function illegalTransitionReason(action: SyncAction, from: ConversionSyncStatus): string {
  const allowed = TRANSITIONS[action].from.join(' or ');
  return `cannot ${ACTION_LABELS[action].toLowerCase()} an event that is ${from} (only from ${allowed})`;
}
