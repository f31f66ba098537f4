import * as z from 'zod/mini';

/** "Pause" from the popup (docs/design.md §6): indefinitely (`until: null`) or until a moment. */
export const PauseSchema = z.object({ until: z.nullable(z.number()) });
export type Pause = z.infer<typeof PauseSchema>;

/** Whether logging is paused at `now` (`pause` as stored: the item `PAUSE`, null when not paused). */
export function isPaused(pause: Pause | null, now: number): boolean {
  if (pause === null) return false;
  return pause.until === null || pause.until > now;
}
