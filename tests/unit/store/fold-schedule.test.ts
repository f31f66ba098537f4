import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { foldSchedule } from '../../../src/store/fold-schedule';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('fold schedule', () => {
  it('folds once the appends pause, once for a burst', async () => {
    const fold = vi.fn(async () => undefined);
    const folds = foldSchedule(fold, { quietMs: 2000, atMostMs: 30_000, onError: () => undefined });
    for (let i = 0; i < 5; i++) {
      folds.soon();
      await vi.advanceTimersByTimeAsync(500);
    }
    expect(fold).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1500);
    expect(fold).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(fold).toHaveBeenCalledTimes(1);
  });

  it('folds during a burst that never pauses, at the latest atMostMs after its first append', async () => {
    const fold = vi.fn(async () => undefined);
    const folds = foldSchedule(fold, { quietMs: 2000, atMostMs: 5000, onError: () => undefined });
    for (let i = 0; i < 12; i++) {
      folds.soon();
      await vi.advanceTimersByTimeAsync(1000);
    }
    expect(fold).toHaveBeenCalledTimes(2);
  });

  it('reports a fold that failed, and folds at the next pause again', async () => {
    const errors: unknown[] = [];
    const fold = vi.fn().mockRejectedValueOnce(new Error('disk full')).mockResolvedValue(undefined);
    const folds = foldSchedule(fold, { quietMs: 100, atMostMs: 1000, onError: (error) => errors.push(error) });
    folds.soon();
    await vi.advanceTimersByTimeAsync(100);
    expect(errors).toEqual([new Error('disk full')]);
    folds.soon();
    await vi.advanceTimersByTimeAsync(100);
    expect(fold).toHaveBeenCalledTimes(2);
  });

  it('measures the burst on the clock it is given', async () => {
    const fold = vi.fn(async () => undefined);
    let now = 0;
    const folds = foldSchedule(fold, { quietMs: 2000, atMostMs: 5000, onError: () => undefined }, () => now);
    folds.soon();
    // The given clock says the burst began 5 s ago, though the timers have not moved: due now.
    now = 5000;
    folds.soon();
    await vi.advanceTimersByTimeAsync(0);
    expect(fold).toHaveBeenCalledTimes(1);
  });

  it('does nothing once stopped', async () => {
    const fold = vi.fn(async () => undefined);
    const folds = foldSchedule(fold, { quietMs: 100, atMostMs: 1000, onError: () => undefined });
    folds.soon();
    folds.stop();
    await vi.advanceTimersByTimeAsync(1000);
    expect(fold).not.toHaveBeenCalled();
  });
});
