import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const doc = readFileSync(join(ROOT, 'docs/design.md'), 'utf8');
const TABLE_HEADING = '## Where each behaviour lives';
const [described, table] = doc.split(TABLE_HEADING) as [string, string];

/** The table's rows: section, behaviour, the home's paths, the tests' paths. */
const rows = table
  .split('\n')
  .filter((line) => line.startsWith('| §'))
  .map((line) => {
    const [section, behaviour, home, pinnedBy] = line.slice(1, -1).split(' | ').map((cell) => cell.trim()) as [string, string, string, string];
    const paths = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1]!).filter((text) => text.includes('/'));
    return { section, behaviour, home: paths(home), pinnedBy: paths(pinnedBy) };
  });

/** `§3` for `## 3. Capture rules`, `§2 SEARCH` for `### SEARCH` under `## 2. …`. */
function sections(): string[] {
  const found: string[] = [];
  let number = '';
  for (const line of described.split('\n')) {
    const top = /^## (\d+a?)\. /.exec(line);
    if (top) found.push((number = `§${top[1]}`));
    const sub = /^### (.+)$/.exec(line);
    if (sub && number) found.push(`${number} ${sub[1]!.replace(/ \(.*\)$/, '')}`);
  }
  return found;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => `${dir}/${file}`);
}

describe('docs/design.md', () => {
  it('names a home for every section, in its table', () => {
    const homed = new Set(rows.map((row) => row.section));
    expect(sections().length).toBeGreaterThan(10);
    expect(sections().filter((section) => !homed.has(section))).toEqual([]);
  });

  it('gives each behaviour of the table one home', () => {
    expect(rows.filter((row) => row.home.length !== 1).map((row) => row.behaviour)).toEqual([]);
  });

  it('is the home of every source file of src/ and collector/', () => {
    const homes = new Set(rows.flatMap((row) => row.home));
    expect([...sourceFiles('src'), ...sourceFiles('collector')].filter((file) => !homes.has(file))).toEqual([]);
  });

  it('names only files that exist', () => {
    const named = [...doc.matchAll(/`((?:src|tests|entrypoints|collector|bench|scripts|public|docs)\/[^`\s<>*]+)`/g)].map((match) => match[1]!);
    expect(named.length).toBeGreaterThan(100);
    expect([...new Set(named)].filter((path) => !existsSync(join(ROOT, path.replace(/:.*$/, ''))))).toEqual([]);
  });
});
