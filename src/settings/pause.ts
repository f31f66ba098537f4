import * as z from 'zod/mini';

/** "Pause" from the popup (docs/design.md §6): indefinitely (`until: null`) or until a moment. */
export const PauseSchema = z.object({ until: z.nullable(z.number()) });
export type Pause = z.infer<typeof PauseSchema>;

export const PAUSE_KEY = 'pause';

export function isPaused(stored: unknown, now: number): boolean {
  const pause = PauseSchema.safeParse(stored);
  if (!pause.success) return false;
  return pause.data.until === null || pause.data.until > now;
}
