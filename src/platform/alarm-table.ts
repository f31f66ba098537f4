/** What an alarm starts, by its name (docs/design.md §1 "Alarms"). */
export type AlarmJobs = Readonly<Record<string, () => void>>;

interface AlarmEvent {
  addListener(listener: (alarm: { name: string }) => void): void;
}

/**
 * The one `alarms.onAlarm` listener: each alarm runs its job in `table`, which the background
 * builds from what capture, sync and retention each name. An alarm no job names (one left by
 * an older version) does nothing.
 */
export function runAlarms(onAlarm: AlarmEvent, table: AlarmJobs): void {
  onAlarm.addListener(({ name }) => {
    if (Object.hasOwn(table, name)) table[name]!();
  });
}
