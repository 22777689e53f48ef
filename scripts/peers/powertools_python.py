"""Times Powertools for AWS Lambda (Python) batch processing in process on a workload file.

Each run does what the Python runtime and the function do for one invocation: json.loads of the
event's bytes, process_partial_response with a record handler that parses the order and checks
it, and json.dumps of the response. Prints one JSON line: the median and every run's seconds.

    python powertools_python.py <sqs|fifo|kinesis|dynamodb> <event.json> [runs]
"""

import json
import statistics
import sys
import time

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    SqsFifoPartialProcessor,
    process_partial_response,
)


def validate(order):
    if not all(item["quantity"] > 0 for item in order["items"]):
        raise ValueError("an item has no quantity")


def sqs_handler(record):
    validate(json.loads(record.body))


def kinesis_handler(record):
    validate(json.loads(record.kinesis.data_as_text()))


def dynamodb_handler(record):
    # new_image deserializes the DynamoDB JSON into Python values (numbers as Decimal).
    validate(record.dynamodb.new_image)


class Context:
    function_name = "bench"
    aws_request_id = "bench"

    def get_remaining_time_in_millis(self):
        return 900_000


SOURCES = {
    "sqs": (lambda: BatchProcessor(event_type=EventType.SQS), sqs_handler),
    "sqs_6mb": (lambda: BatchProcessor(event_type=EventType.SQS), sqs_handler),
    "fifo": (lambda: SqsFifoPartialProcessor(skip_group_on_error=True), sqs_handler),
    "kinesis": (lambda: BatchProcessor(event_type=EventType.KinesisDataStreams), kinesis_handler),
    "dynamodb": (lambda: BatchProcessor(event_type=EventType.DynamoDBStreams), dynamodb_handler),
}


def main():
    source, path = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    with open(path, "rb") as f:
        raw = f.read()
    make_processor, handler = SOURCES[source]
    processor = make_processor()
    context = Context()
    times = []
    failures = None
    for _ in range(runs + 1):  # the first run warms up
        start = time.perf_counter()
        event = json.loads(raw)
        response = process_partial_response(
            event=event, record_handler=handler, processor=processor, context=context
        )
        body = json.dumps(response)
        times.append(time.perf_counter() - start)
        failures = len(response["batchItemFailures"])
        del body
    times = times[1:]
    print(json.dumps({"peer": "powertools-python", "workload": source, "failures": failures,
                      "median_s": statistics.median(times), "runs_s": times}))


if __name__ == "__main__":
    main()
