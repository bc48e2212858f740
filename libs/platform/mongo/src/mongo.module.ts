// Thin Nest wiring for the service's own MongoDB database: connected on boot,
// pinged by /readyz, closed last on shutdown.
import {
  Global,
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { CONFIG, LOGGER, READINESS, type ReadinessRegistry } from '@postline/platform/http';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { connectMongo, pingMongo } from './mongo-connection';

export const MONGO_CONNECTION = Symbol('postline.mongo.connection');

@Injectable()
class MongoLifecycle implements OnApplicationShutdown {
  constructor(@Inject(MONGO_CONNECTION) private readonly conn: Connection) {}
  async onApplicationShutdown(): Promise<void> {
    await this.conn.close();
  }
}

@Global()
@Module({})
export class MongoModule {
  static forRoot({ dbName }: { dbName: string }): DynamicModule {
    return {
      module: MongoModule,
      providers: [
        {
          provide: MONGO_CONNECTION,
          inject: [CONFIG, LOGGER, READINESS],
          useFactory: async (
            config: { POSTLINE_MONGO_URI: string },
            logger: Logger,
            readiness: ReadinessRegistry,
          ) => {
            const conn = await connectMongo({ uri: config.POSTLINE_MONGO_URI, dbName, logger });
            readiness.add('mongodb', () => pingMongo(conn));
            return conn;
          },
        },
        MongoLifecycle,
      ],
      exports: [MONGO_CONNECTION],
    };
  }
}
