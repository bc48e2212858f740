// Entry of `npm run bench -- render` (bench/render/run.sh): prints each figure,
// then one JSON object as the last line (issue 6): loop_rate, baseline_rate,
// kafka_rate (messages/s), ratio = loop/baseline, kafka_ratio = kafka/loop.
import { kafkaRate } from './kafka-rate';
import { baselineRate, loopRate } from './loop-rates';

const round = (n: number, digits = 0) => Number(n.toFixed(digits));

async function main(): Promise<void> {
  const loop = await loopRate();
  process.stdout.write(`render loop (one core, tracking on): ${round(loop)} msg/s\n`);
  const baseline = await baselineRate();
  process.stdout.write(`baseline handlebars + MailComposer: ${round(baseline)} msg/s\n`);
  const kafka = await kafkaRate(Number(process.env.BENCH_KAFKA_MESSAGES ?? 20000));
  process.stdout.write(`through Kafka (render service): ${round(kafka)} msg/s\n`);
  const result = {
    loop_rate: round(loop),
    baseline_rate: round(baseline),
    kafka_rate: round(kafka),
    ratio: round(loop / baseline, 3),
    kafka_ratio: round(kafka / loop, 3),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`bench render failed: ${(e as Error)?.stack ?? e}\n`);
    process.exit(1);
  },
);
