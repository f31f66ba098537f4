import type { DayBar, TimelineSegment } from '../insights/insights-model';
import { formatDayOfMonth, formatHour } from '../insights/insights-format';
import { dayStart, nextDayStart, type DayKey } from '../store/local-day';

/**
 * The Insights page's two charts, hand-drawn SVG (docs/design.md §7a: no charting library;
 * two charts of rectangles need none). Each is `role="img"` named by its heading, and the
 * table after it says the same in text. Colours are CSS classes (`site-0` … `site-4`,
 * `site-other`), so the light and dark themes set them.
 */

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 1000;

type Attributes = Record<string, string | number>;

function svgElement<K extends keyof SVGElementTagNameMap>(doc: Document, name: K, attributes: Attributes = {}): SVGElementTagNameMap[K] {
  const element = doc.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  return element;
}

/** The colour class of a site: its place among the charted sites, or "other". */
export function siteClass(host: string, hosts: readonly string[]): string {
  const at = hosts.indexOf(host);
  return at >= 0 ? `site-${at}` : 'site-other';
}

function chart(doc: Document, labelledBy: string, height: number): SVGSVGElement {
  return svgElement(doc, 'svg', { viewBox: `0 0 ${WIDTH} ${height}`, role: 'img', 'aria-labelledby': labelledBy, class: 'chart' });
}

function tooltip(doc: Document, parent: SVGElement, text: string): void {
  const title = svgElement(doc, 'title');
  title.textContent = text;
  parent.append(title);
}

export interface TimelineChartOptions {
  day: DayKey;
  segments: readonly TimelineSegment[];
  hosts: readonly string[];
  labelledBy: string;
  locale?: string;
  /** The words of a stretch's tooltip. */
  describe: (segment: TimelineSegment) => string;
}

/**
 * The hours the timeline spans: from the hour the first stretch began to the hour after the
 * last one ended (at least three hours), so a morning's reading is not a sliver of 24 hours.
 * A mark every hour, or every 2 or 3 when the window is long.
 */
export function timelineWindow(day: DayKey, segments: readonly TimelineSegment[]): { start: number; end: number; step: number } {
  const dayBegins = dayStart(day);
  const dayEnds = nextDayStart(dayBegins);
  const hour = 3_600_000;
  if (segments.length === 0) return { start: dayBegins, end: dayEnds, step: 3 * hour };
  const first = Math.min(...segments.map((segment) => segment.start));
  const last = Math.max(...segments.map((segment) => segment.end));
  // Whole hours from the day's start (a DST day's hours are still an hour long).
  let start = dayBegins + Math.floor((first - dayBegins) / hour) * hour;
  let end = Math.min(dayEnds, dayBegins + Math.ceil((last - dayBegins) / hour) * hour);
  if (end - start < 3 * hour) {
    end = Math.min(dayEnds, start + 3 * hour);
    start = Math.max(dayBegins, end - 3 * hour);
  }
  const hours = (end - start) / hour;
  return { start, end, step: (hours <= 8 ? 1 : hours <= 16 ? 2 : 3) * hour };
}

/** What was in front along the day: a bar per stretch of one site, marks at the hours. */
export function timelineChart(doc: Document, options: TimelineChartOptions): SVGSVGElement {
  const height = 64;
  const barHeight = 36;
  const { start, end, step } = timelineWindow(options.day, options.segments);
  const x = (at: number) => ((at - start) / (end - start)) * WIDTH;
  const svg = chart(doc, options.labelledBy, height);
  svg.append(svgElement(doc, 'rect', { x: 0, y: 0, width: WIDTH, height: barHeight, class: 'chart-track' }));
  for (const segment of options.segments) {
    const left = x(segment.start);
    const rect = svgElement(doc, 'rect', {
      x: left.toFixed(2),
      y: 0,
      // A stretch of a few seconds is still seen.
      width: Math.max(1.5, x(segment.end) - left).toFixed(2),
      height: barHeight,
      class: siteClass(segment.host, options.hosts),
    });
    tooltip(doc, rect, options.describe(segment));
    svg.append(rect);
  }
  for (let mark = start; mark < end; mark += step) {
    const at = x(mark);
    svg.append(svgElement(doc, 'line', { x1: at, x2: at, y1: barHeight, y2: barHeight + 6, class: 'chart-axis' }));
    const label = svgElement(doc, 'text', { x: at + 3, y: height - 6, class: 'chart-label' });
    label.textContent = formatHour(mark, options.locale);
    svg.append(label);
  }
  return svg;
}

export interface DayBarsOptions {
  bars: readonly DayBar[];
  hosts: readonly string[];
  labelledBy: string;
  locale?: string;
  /** The words of a bar's tooltip. */
  describe: (bar: DayBar) => string;
  /** The words of the tallest bar's time, written at the top of the scale. */
  scaleLabel: (seconds: number) => string;
}

/** A bar per day, stacked by the charted sites (most time at the bottom), the rest on top. */
export function dayBarsChart(doc: Document, options: DayBarsOptions): SVGSVGElement {
  const height = 220;
  const plot = 190;
  const max = Math.max(1, ...options.bars.map((bar) => bar.total));
  const slot = WIDTH / Math.max(1, options.bars.length);
  const top = 24;
  const svg = chart(doc, options.labelledBy, height);
  svg.append(svgElement(doc, 'line', { x1: 0, x2: WIDTH, y1: plot, y2: plot, class: 'chart-axis' }));
  if (options.bars.some((bar) => bar.total > 0)) {
    svg.append(svgElement(doc, 'line', { x1: 0, x2: WIDTH, y1: top, y2: top, class: 'chart-grid' }));
    const scale = svgElement(doc, 'text', { x: 2, y: top - 6, class: 'chart-label' });
    scale.textContent = options.scaleLabel(max);
    svg.append(scale);
  }
  options.bars.forEach((bar, i) => {
    const group = svgElement(doc, 'g');
    const left = i * slot + slot * 0.15;
    const width = slot * 0.7;
    let y = plot;
    const parts: [number, string][] = [...bar.seconds.map((seconds, at): [number, string] => [seconds, `site-${at}`]), [bar.other, 'site-other']];
    for (const [seconds, className] of parts) {
      if (seconds <= 0) continue;
      const h = (seconds / max) * (plot - top);
      y -= h;
      group.append(svgElement(doc, 'rect', { x: left.toFixed(2), y: y.toFixed(2), width: width.toFixed(2), height: h.toFixed(2), class: className }));
    }
    tooltip(doc, group, options.describe(bar));
    const label = svgElement(doc, 'text', { x: (left + width / 2).toFixed(2), y: height - 8, class: 'chart-label', 'text-anchor': 'middle' });
    label.textContent = formatDayOfMonth(bar.day, options.locale);
    group.append(label);
    svg.append(group);
  });
  return svg;
}
