import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { initialCaptureState, type CaptureState } from '../../../src/model/capture-state';
import { sessionSaver } from '../../../src/capture/session-saver';

const state = (nextNavId: number): CaptureState => ({ ...initialCaptureState(), nextNavId });

let written: number[];
const saver = () =>
  sessionSaver({ write: async (s) => void written.push(s.nextNavId), quietMs: 100, maxDelayMs: 1_000, clock: Date.now });

beforeEach(() => {
  vi.useFakeTimers();
  written = [];
});
afterEach(() => vi.useRealTimers());

describe('session saver', () => {
  it('saves the latest state once a burst of signals is over', async () => {
    const s = saver();
    for (let i = 1; i <= 5; i++) {
      s.save(state(i));
      await vi.advanceTimersByTimeAsync(50);
    }
    expect(written).toEqual([]);
    await vi.advanceTimersByTimeAsync(100);
    expect(written).toEqual([5]);
  });

  it('saves within the longest delay however long the burst goes on', async () => {
    const s = saver();
    for (let i = 1; i <= 30; i++) {
      s.save(state(i));
      await vi.advanceTimersByTimeAsync(50);
    }
    // 1.5 s of signals 50 ms apart: saved at 1 s, and the rest waits for its own quiet.
    expect(written).toEqual([20]);
    await vi.advanceTimersByTimeAsync(100);
    expect(written).toEqual([20, 30]);
  });

  it('saves what waits at once when asked, and nothing after being stopped', async () => {
    const s = saver();
    s.save(state(1));
    await s.flush();
    expect(written).toEqual([1]);
    s.save(state(2));
    s.stop();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(written).toEqual([1]);
  });
});
