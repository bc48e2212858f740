// Nest wiring of the render database: the template repository on the service's
// own MongoDB connection, with its indexes built before the service is ready.
import { Module } from '@nestjs/common';
import { MONGO_CONNECTION } from '@postline/platform/mongo';
import type { Connection } from 'mongoose';
import { TemplateRepository } from './template.repository';

const INIT_DEADLINE_MS = 30000;

async function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

@Module({
  providers: [
    {
      provide: TemplateRepository,
      inject: [MONGO_CONNECTION],
      useFactory: async (conn: Connection) => {
        const repository = new TemplateRepository(conn);
        // A server that accepts connections but never answers would otherwise hang the boot silently.
        await withDeadline(repository.init(), INIT_DEADLINE_MS, 'building the templates indexes');
        return repository;
      },
    },
  ],
  exports: [TemplateRepository],
})
export class RenderDataAccessModule {}
