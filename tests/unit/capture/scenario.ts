import { applySignal, HEARTBEAT_INTERVAL_MS, needsTabSnapshot, SETTLE_MS, type CaptureConfig } from '../../../src/capture/capture-machine';
import type { CaptureSignal, TabSnapshot } from '../../../src/capture/capture-signal';
import { CaptureStateSchema, initialCaptureState, type CaptureState } from '../../../src/model/capture-state';
import type { RecordedEvent } from '../../../src/model/activity-event';

export const T0 = Date.UTC(2026, 10, 27, 9, 0, 0);

type SignalWithoutTime = CaptureSignal extends infer S ? (S extends CaptureSignal ? Omit<S, 'at'> : never) : never;

/**
 * A scripted browsing session for the capture machine: send signals, let time pass, read
 * what was recorded. Time is a fake clock starting at T0.
 */
export class Scenario {
  state: CaptureState = initialCaptureState();
  readonly events: RecordedEvent[] = [];
  now = T0;
  config: CaptureConfig;
  private ids = 0;

  constructor(config: Partial<CaptureConfig> = {}) {
    this.config = {
      logPrivateWindows: false,
      searchRules: [],
      allowList: [],
      denyList: [],
      stripAllQueryStrings: false,
      extraSecretParams: [],
      keepTrackingParams: false,
      logFileUrls: false,
      countAudibleTime: true,
      ...config,
    };
  }

  /** Starts a browser with one focused window (id 1) and no page yet. */
  static started(config: Partial<CaptureConfig> = {}): Scenario {
    const scenario = new Scenario(config);
    scenario.send({ type: 'startup', focusedWindowId: 1, activeTabs: [], idle: 'active', paused: false });
    return scenario;
  }

  send(signal: SignalWithoutTime): this {
    const step = applySignal(this.state, { ...signal, at: this.now } as CaptureSignal, this.config, {
      newId: () => `00000000-0000-7000-8000-${String(++this.ids).padStart(12, '0')}`,
    });
    this.state = step.state;
    this.events.push(...step.events);
    return this;
  }

  /**
   * Lets time pass with the browser awake: while a view is open, the adapter's heartbeat
   * beats every HEARTBEAT_INTERVAL_MS meanwhile, as it does in a running browser.
   */
  wait(seconds: number): this {
    const until = this.now + seconds * 1000;
    while (this.state.view && this.state.view.lastAliveAt + HEARTBEAT_INTERVAL_MS < until) {
      this.now = Math.max(this.now, this.state.view.lastAliveAt + HEARTBEAT_INTERVAL_MS);
      this.send({ type: 'heartbeat' });
    }
    this.now = until;
    return this;
  }

  /** The settle time of a same-document change passes (the adapter's timer fires). */
  settle(): this {
    return this.wait(SETTLE_MS / 1000).send({ type: 'settleDue' });
  }

  /** The computer sleeps: time passes and nothing runs, not even the heartbeat. */
  sleep(seconds: number): this {
    this.now += seconds * 1000;
    return this;
  }

  /** The worker stopped and started again: the state went through storage.session as JSON. */
  restartWorker(): this {
    this.state = CaptureStateSchema.parse(JSON.parse(JSON.stringify(this.state)));
    return this;
  }

  // Shorthands for the common signals.

  /**
   * The user navigates tab `id` (active, in window 1 unless told) to `url`. Like the adapter,
   * it sends the tab's snapshot only when the machine does not know the tab yet.
   */
  open(url: string, options: Partial<TabSnapshot> & { transition?: string } = {}): this {
    const { transition = 'typed', ...tabFields } = options;
    const tabId = tabFields.id ?? 1;
    return this.send({
      type: 'navigationCommitted',
      tabId,
      ...this.snapshotIfNeeded(tab(tabId, url, tabFields)),
      frameId: 0,
      url,
      transitionType: transition,
    });
  }

  activate(tabId: number, url: string, windowId = 1): this {
    return this.send({ type: 'tabActivated', tabId, windowId, ...this.snapshotIfNeeded(tab(tabId, url, { windowId })) });
  }

  private snapshotIfNeeded(snapshot: TabSnapshot): { tab?: TabSnapshot } {
    return needsTabSnapshot(this.state, snapshot.id) ? { tab: snapshot } : {};
  }

  /** Events as short lines: `view URL @s`, `done URL @s 12s`, `search "q" URL @s`. */
  lines(): string[] {
    return this.events.map(describeEvent);
  }

  clear(): this {
    this.events.length = 0;
    return this;
  }
}

export function tab(id: number, url: string, fields: Partial<TabSnapshot> = {}): TabSnapshot {
  return { id, windowId: 1, active: true, url, incognito: false, ...fields };
}

function secondsSinceStart(timestamp: string): number {
  return (Date.parse(timestamp) - T0) / 1000;
}

export function describeEvent(event: RecordedEvent): string {
  const at = `@${secondsSinceStart(event.timestamp)}`;
  const params = event.params ?? {};
  if (event.action === 'SEARCH') return `search "${params.query}" ${event.url} ${at}`;
  if (params.truncated) return `view ${event.url} ${at}`;
  return `done ${event.url} ${at} ${params.duration}s`;
}
