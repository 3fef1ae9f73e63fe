import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client.js';

export type ReadModelClient = PrismaClient;

/** The typed Prisma client over the event log's database (read models and log tables), through node-postgres. */
export function createReadModelClient(databaseUrl: string): ReadModelClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
}
