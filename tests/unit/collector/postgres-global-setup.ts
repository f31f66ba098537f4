import type { TestProject } from 'vitest/node';
import { startTestPostgres } from './postgres-server';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A superuser URL of the PostgreSQL cluster the collector's tests share. */
    postgresAdminUrl: string;
  }
}

/** One PostgreSQL cluster for the whole unit run; each test gets a database of its own. */
export default async function setup(project: TestProject): Promise<() => void> {
  const postgres = await startTestPostgres();
  project.provide('postgresAdminUrl', postgres.adminUrl);
  return () => postgres.destroy();
}
