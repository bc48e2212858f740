// Runs the engagement consumer: mail.events.v1 in its own consumer group, one
// batch at a time through FeedbackBatchHandler. Offsets are committed by the
// platform only after the handler returns, so a crash replays the batch, which
// the handler's idempotent writes absorb.
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { KafkaRuntime } from '@postline/platform/kafka';
import { LIST_FEATURE_OPTIONS, type ListFeatureOptions } from '../list-feature.options';
import { FeedbackBatchHandler } from './feedback-batch.handler';

@Injectable()
export class DeliveryFeedbackConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly kafka: KafkaRuntime,
    private readonly handler: FeedbackBatchHandler,
    @Inject(LIST_FEATURE_OPTIONS) private readonly options: ListFeatureOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.kafka.runConsumer({
      groupId: this.options.consumerGroup,
      topics: [this.options.mailEventsTopic],
      handle: (records, context) => this.handler.handle(records, context),
    });
  }
}
