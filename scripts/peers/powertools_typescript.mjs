// Times Powertools for AWS Lambda (TypeScript) batch processing in process on a workload file.
//
// Each run does what the Node.js runtime and the function do for one invocation: JSON.parse of
// the event's bytes, processPartialResponse with a record handler that parses the order and
// checks it, and JSON.stringify of the response. Prints one JSON line: the median and every
// run's seconds.
//
//     node powertools_typescript.mjs <sqs|fifo|kinesis|dynamodb> <event.json> [runs]

import { readFileSync } from 'node:fs';
import {
  BatchProcessor,
  EventType,
  SqsFifoPartialProcessorAsync,
  processPartialResponse,
} from '@aws-lambda-powertools/batch';
import { unmarshall } from '@aws-sdk/util-dynamodb';

const validate = (order) => {
  if (!order.items.every((item) => item.quantity > 0)) {
    throw new Error('an item has no quantity');
  }
};

const sqsHandler = async (record) => validate(JSON.parse(record.body));
const kinesisHandler = async (record) =>
  validate(JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString('utf8')));
const dynamodbHandler = async (record) => validate(unmarshall(record.dynamodb.NewImage));

const sources = {
  sqs: [() => new BatchProcessor(EventType.SQS), sqsHandler, {}],
  sqs_6mb: [() => new BatchProcessor(EventType.SQS), sqsHandler, {}],
  fifo: [() => new SqsFifoPartialProcessorAsync(), sqsHandler, { skipGroupOnError: true }],
  kinesis: [() => new BatchProcessor(EventType.KinesisDataStreams), kinesisHandler, {}],
  dynamodb: [() => new BatchProcessor(EventType.DynamoDBStreams), dynamodbHandler, {}],
};

const [source, path, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 5);
const raw = readFileSync(path);
const [makeProcessor, handler, options] = sources[source];
const processor = makeProcessor();
const context = { functionName: 'bench', awsRequestId: 'bench', getRemainingTimeInMillis: () => 900000 };
const times = [];
let failures;
for (let run = 0; run <= runs; run++) {
  const start = process.hrtime.bigint();
  const event = JSON.parse(raw);
  const response = await processPartialResponse(event, handler, processor, { context, ...options });
  const body = JSON.stringify(response);
  times.push(Number(process.hrtime.bigint() - start) / 1e9);
  failures = response.batchItemFailures.length;
  void body;
}
times.shift(); // the first run warms up
const sorted = [...times].sort((a, b) => a - b);
const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
console.log(JSON.stringify({ peer: 'powertools-typescript', workload: source, failures, median_s: median, runs_s: times }));
