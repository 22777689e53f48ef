//! Production-shaped events (DESIGN §7), built deterministically so that every run, and every
//! peer measured on the files `workload_files` writes, sees the same bytes.
//!
//! Each record carries an order of about 400 bytes of JSON with nested objects and arrays; one
//! record in ten holds an order with an item of quantity 0, which the handler rejects. Record
//! envelopes look like what Lambda delivers: UUID message ids, receipt handles of a realistic
//! length, 56-digit Kinesis sequence numbers, DynamoDB images in attribute-value JSON.

#![allow(dead_code)] // Each bench uses the workloads it measures.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::Deserialize;
use serde_json::{Map, Value};

/// Records in the 10,000-record events.
pub const RECORDS: usize = 10_000;

/// Lambda's payload limit for an invocation: the largest SQS event a function can receive.
pub const MAX_EVENT_BYTES: usize = 6 * 1024 * 1024;

/// The order each record carries.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    pub order_id: String,
    pub customer: Customer,
    pub items: Vec<Item>,
    pub shipping: Shipping,
    pub currency: String,
    pub total: f64,
    pub created_at: String,
}

#[derive(Debug, Deserialize)]
pub struct Customer {
    pub id: String,
    pub name: String,
    pub email: String,
    pub tier: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Item {
    pub sku: String,
    pub quantity: u32,
    pub unit_price: f64,
}

#[derive(Debug, Deserialize)]
pub struct Shipping {
    pub address: Address,
    pub method: String,
}

#[derive(Debug, Deserialize)]
pub struct Address {
    pub line1: String,
    pub city: String,
    pub postcode: String,
    pub country: String,
}

/// The handler's business rule: every item has a quantity. One order in ten breaks it.
pub fn validate(order: &Order) -> Result<(), &'static str> {
    std::hint::black_box(&order.order_id);
    if order.items.iter().all(|item| item.quantity > 0) {
        Ok(())
    } else {
        Err("an item has no quantity")
    }
}

/// Whether record `i` is one that fails.
pub fn fails(i: usize) -> bool {
    i % 10 == 9
}

/// A JSON object with its members in the order given (as producers and Lambda write them;
/// `serde_json::Value` would sort them). Each value is JSON text already.
pub fn object(members: &[(&str, String)]) -> String {
    let mut text = String::from("{");
    for (k, (name, value)) in members.iter().enumerate() {
        if k > 0 {
            text.push(',');
        }
        text.push_str(&json_text(name));
        text.push(':');
        text.push_str(value);
    }
    text.push('}');
    text
}

/// A JSON array of JSON texts.
pub fn array(items: impl IntoIterator<Item = String>) -> String {
    format!("[{}]", items.into_iter().collect::<Vec<_>>().join(","))
}

/// Any serializable value as JSON text.
pub fn json_text(value: &(impl serde::Serialize + ?Sized)) -> String {
    serde_json::to_string(value).unwrap()
}

/// The order of record `i`, as JSON text with its members in declaration order.
pub fn order_body(i: usize) -> String {
    const CITIES: [(&str, &str); 4] = [
        ("Seattle", "98101"),
        ("Dublin", "D02 X285"),
        ("São Paulo", "01310-100"),
        ("Frankfurt", "60306"),
    ];
    const TIERS: [&str; 3] = ["standard", "gold", "platinum"];
    let mut total = 0.0;
    let items: Vec<String> = (0..3)
        .map(|k| {
            let quantity = if fails(i) && k == 2 {
                0
            } else {
                1 + (i + k) % 4
            };
            let unit_price = ((i + k) % 50) as f64 + 0.99;
            total += quantity as f64 * unit_price;
            object(&[
                (
                    "sku",
                    json_text(&format!("SKU-{:05}", (i * 7 + k * 131) % 99_991)),
                ),
                ("quantity", quantity.to_string()),
                ("unitPrice", json_text(&unit_price)),
            ])
        })
        .collect();
    let (city, postcode) = CITIES[i % CITIES.len()];
    object(&[
        ("orderId", json_text(&format!("ord-{i:08}"))),
        (
            "customer",
            object(&[
                ("id", json_text(&format!("cust-{:06}", i % 7919))),
                (
                    "name",
                    json_text(&format!("Customer \"{}\" Smith", i % 7919)),
                ),
                (
                    "email",
                    json_text(&format!("customer{}@example.com", i % 7919)),
                ),
                ("tier", json_text(TIERS[i % TIERS.len()])),
            ]),
        ),
        ("items", array(items)),
        (
            "shipping",
            object(&[
                (
                    "address",
                    object(&[
                        (
                            "line1",
                            json_text(&format!("{} Market Street, Apt {}", 1 + i % 400, i % 37)),
                        ),
                        ("city", json_text(city)),
                        ("postcode", json_text(postcode)),
                        ("country", json_text("US")),
                    ]),
                ),
                (
                    "method",
                    json_text(if i.is_multiple_of(3) {
                        "express"
                    } else {
                        "standard"
                    }),
                ),
            ]),
        ),
        ("currency", json_text("USD")),
        ("total", json_text(&((total * 100.0_f64).round() / 100.0))),
        (
            "createdAt",
            json_text(&format!(
                "2026-11-{:02}T{:02}:{:02}:{:02}.{:03}Z",
                1 + i % 28,
                i % 24,
                i % 60,
                (i * 7) % 60,
                i % 1000
            )),
        ),
    ])
}

/// A small body (about 50 bytes) for the small-body row; the same one record in ten fails.
pub fn small_body(i: usize) -> String {
    format!(
        r#"{{"id":{i},"sku":"SKU-{:05}","quantity":{}}}"#,
        i % 977,
        if fails(i) { 0 } else { 1 + i % 5 }
    )
}

/// The small body's type.
#[derive(Debug, Deserialize)]
pub struct SmallOrder {
    pub id: u64,
    pub sku: String,
    pub quantity: u32,
}

/// The small body's rule.
pub fn validate_small(order: &SmallOrder) -> Result<(), &'static str> {
    std::hint::black_box(order.id);
    if order.quantity > 0 {
        Ok(())
    } else {
        Err("no quantity")
    }
}

/// A deterministic UUID-shaped id.
fn uuid(i: usize, salt: u64) -> String {
    let x = (i as u64 ^ salt).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let y = x.rotate_left(29).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    format!(
        "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
        x >> 32,
        (x >> 16) & 0xffff,
        x & 0xfff,
        y & 0xfff,
        y >> 16
    )
}

/// A receipt handle as long as SQS's (about 180 characters of base64).
fn receipt_handle(i: usize) -> String {
    let mut bytes = Vec::with_capacity(135);
    let mut x = (i as u64)
        .wrapping_add(1)
        .wrapping_mul(0x2545_F491_4F6C_DD1D);
    while bytes.len() < 135 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        bytes.extend_from_slice(&x.to_le_bytes());
    }
    bytes.truncate(135);
    format!("AQEB{}", BASE64.encode(bytes))
}

fn sqs_record(i: usize, body: &str, fifo_group: Option<usize>) -> String {
    let mut attributes = vec![
        ("ApproximateReceiveCount", json_text("1")),
        (
            "SentTimestamp",
            json_text(&(1_764_400_000_000_u64 + i as u64).to_string()),
        ),
        ("SenderId", json_text("AROAXXXXXXXXXXXXXXXXX:order-service")),
        (
            "ApproximateFirstReceiveTimestamp",
            json_text(&(1_764_400_000_100_u64 + i as u64).to_string()),
        ),
    ];
    let mut arn = "arn:aws:sqs:us-east-1:123456789012:orders".to_owned();
    if let Some(group) = fifo_group {
        attributes.push((
            "SequenceNumber",
            json_text(&format!("{}", 18_849_496_460_467_696_128_u128 + i as u128)),
        ));
        attributes.push(("MessageGroupId", json_text(&format!("customer-{group:04}"))));
        attributes.push(("MessageDeduplicationId", json_text(&uuid(i, 0xD0D0))));
        arn.push_str(".fifo");
    }
    let traceparent = format!(
        "00-{:032x}-{:016x}-01",
        (i as u128).wrapping_mul(0x1234_5678_9ABC_DEF1),
        i as u64 * 31 + 7
    );
    object(&[
        ("messageId", json_text(&uuid(i, 0x5157))),
        ("receiptHandle", json_text(&receipt_handle(i))),
        ("body", json_text(body)),
        ("attributes", object(&attributes)),
        (
            "messageAttributes",
            object(&[(
                "traceparent",
                object(&[
                    ("stringValue", json_text(&traceparent)),
                    ("stringListValues", "[]".into()),
                    ("binaryListValues", "[]".into()),
                    ("dataType", json_text("String")),
                ]),
            )]),
        ),
        (
            "md5OfBody",
            json_text(&format!(
                "{:032x}",
                (i as u128).wrapping_mul(0x0123_4567_89AB_CDEF_FEDC_BA98_7654_3210)
            )),
        ),
        (
            "md5OfMessageAttributes",
            json_text(&format!(
                "{:032x}",
                (i as u128).wrapping_mul(0xFEDC_BA98_7654_3210_0123_4567_89AB_CDEF)
            )),
        ),
        ("eventSource", json_text("aws:sqs")),
        ("eventSourceARN", json_text(&arn)),
        ("awsRegion", json_text("us-east-1")),
    ])
}

/// `{"Records": [...]}` of these records.
fn records_event(records: impl IntoIterator<Item = String>) -> Vec<u8> {
    object(&[("Records", array(records))]).into_bytes()
}

/// 10,000 SQS records carrying orders.
pub fn sqs() -> Vec<u8> {
    records_event((0..RECORDS).map(|i| sqs_record(i, &order_body(i), None)))
}

/// As many SQS records carrying orders as fit in Lambda's 6 MB payload limit.
pub fn sqs_6mb() -> Vec<u8> {
    let mut records = Vec::new();
    let mut size = r#"{"Records":[]}"#.len();
    for i in 0.. {
        let record = sqs_record(i, &order_body(i), None);
        if size + record.len() + 1 > MAX_EVENT_BYTES {
            break;
        }
        size += record.len() + 1;
        records.push(record);
    }
    records_event(records)
}

/// 10,000 SQS records carrying 50-byte bodies.
pub fn sqs_small() -> Vec<u8> {
    records_event((0..RECORDS).map(|i| sqs_record(i, &small_body(i), None)))
}

/// 10,000 SQS FIFO records carrying orders, in 100 message groups.
pub fn fifo() -> Vec<u8> {
    records_event((0..RECORDS).map(|i| sqs_record(i, &order_body(i), Some(i % 100))))
}

/// 10,000 Kinesis records carrying orders, over 100 partition keys.
pub fn kinesis() -> Vec<u8> {
    records_event((0..RECORDS).map(|i| {
        let sequence = format!("4959{:052}", 7_000_000_000_000_u64 + i as u64);
        object(&[
            (
                "kinesis",
                object(&[
                    ("kinesisSchemaVersion", json_text("1.0")),
                    (
                        "partitionKey",
                        json_text(&format!("customer-{:04}", i % 100)),
                    ),
                    ("sequenceNumber", json_text(&sequence)),
                    ("data", json_text(&BASE64.encode(order_body(i)))),
                    (
                        "approximateArrivalTimestamp",
                        json_text(&(1_764_400_000.0 + i as f64 / 1000.0)),
                    ),
                ]),
            ),
            ("eventSource", json_text("aws:kinesis")),
            ("eventVersion", json_text("1.0")),
            (
                "eventID",
                json_text(&format!("shardId-000000000003:{sequence}")),
            ),
            ("eventName", json_text("aws:kinesis:record")),
            (
                "invokeIdentityArn",
                json_text("arn:aws:iam::123456789012:role/order-consumer"),
            ),
            ("awsRegion", json_text("us-east-1")),
            (
                "eventSourceARN",
                json_text("arn:aws:kinesis:us-east-1:123456789012:stream/orders"),
            ),
        ])
    }))
}

/// JSON text as a DynamoDB attribute value, members in the order given.
pub fn attribute_value(value: &Value) -> String {
    match value {
        Value::Null => object(&[("NULL", "true".into())]),
        Value::Bool(b) => object(&[("BOOL", b.to_string())]),
        Value::Number(n) => object(&[("N", json_text(&n.to_string()))]),
        Value::String(s) => object(&[("S", json_text(s))]),
        Value::Array(items) => object(&[("L", array(items.iter().map(attribute_value)))]),
        Value::Object(map) => object(&[("M", item(map))]),
    }
}

/// A JSON object as a DynamoDB item.
fn item(map: &Map<String, Value>) -> String {
    let members: Vec<(&str, String)> = map
        .iter()
        .map(|(name, value)| (name.as_str(), attribute_value(value)))
        .collect();
    object(&members)
}

/// An order as a DynamoDB item, attributes in the order of the order's members.
fn order_item(i: usize) -> String {
    // Parsed back with the order kept: through serde_json's streaming map, not `Value`.
    let body = order_body(i);
    let members: Vec<(String, Value)> = ordered_members(&body);
    let members: Vec<(&str, String)> = members
        .iter()
        .map(|(name, value)| (name.as_str(), attribute_value(value)))
        .collect();
    object(&members)
}

/// The top-level members of a JSON object, in the order written.
fn ordered_members(text: &str) -> Vec<(String, Value)> {
    struct Members;
    impl<'de> serde::de::Visitor<'de> for Members {
        type Value = Vec<(String, Value)>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut members = Vec::new();
            while let Some(entry) = map.next_entry()? {
                members.push(entry);
            }
            Ok(members)
        }
    }
    serde::Deserializer::deserialize_map(&mut serde_json::Deserializer::from_str(text), Members)
        .unwrap()
}

/// 10,000 DynamoDB Streams `INSERT` records whose new image is the order.
pub fn dynamodb() -> Vec<u8> {
    records_event((0..RECORDS).map(|i| {
        object(&[
            ("eventID", json_text(&format!("{:032x}", (i as u128).wrapping_mul(0x9E37_79B9_7F4A_7C15)))),
            ("eventName", json_text("INSERT")),
            ("eventVersion", json_text("1.1")),
            ("eventSource", json_text("aws:dynamodb")),
            ("awsRegion", json_text("us-east-1")),
            (
                "dynamodb",
                object(&[
                    ("ApproximateCreationDateTime", (1_764_400_000 + i / 100).to_string()),
                    ("Keys", object(&[("orderId", object(&[("S", json_text(&format!("ord-{i:08}")))]))])),
                    ("NewImage", order_item(i)),
                    ("SequenceNumber", json_text(&format!("{}", 100_000_000_000_000_000_000_u128 + i as u128))),
                    ("SizeBytes", "420".into()),
                    ("StreamViewType", json_text("NEW_AND_OLD_IMAGES")),
                ]),
            ),
            (
                "eventSourceARN",
                json_text("arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-11-01T00:00:00.000"),
            ),
        ])
    }))
}

/// 10,000 Amazon MSK records carrying orders, over ten partitions of one topic.
pub fn kafka() -> Vec<u8> {
    let partitions = (0..10).map(|partition| {
        let per_partition = RECORDS / 10;
        let records = (partition * per_partition..(partition + 1) * per_partition).map(|i| {
            let traceparent = format!("00-{:032x}-{:016x}-01", i as u128 * 7919, i as u64 * 31);
            object(&[
                ("topic", json_text("orders")),
                ("partition", partition.to_string()),
                ("offset", (1_000_000 + i).to_string()),
                ("timestamp", (1_764_400_000_000_u64 + i as u64).to_string()),
                ("timestampType", json_text("CREATE_TIME")),
                (
                    "key",
                    json_text(&BASE64.encode(format!("customer-{:04}", i % 100))),
                ),
                ("value", json_text(&BASE64.encode(order_body(i)))),
                (
                    "headers",
                    array([object(&[(
                        "traceparent",
                        json_text(traceparent.as_bytes()),
                    )])]),
                ),
            ])
        });
        (format!("orders-{partition}"), array(records))
    });
    let partitions: Vec<(String, String)> = partitions.collect();
    let members: Vec<(&str, String)> = partitions
        .iter()
        .map(|(name, records)| (name.as_str(), records.clone()))
        .collect();
    object(&[
        ("eventSource", json_text("aws:kafka")),
        (
            "eventSourceArn",
            json_text("arn:aws:kafka:us-east-1:123456789012:cluster/orders/abcd1234-abcd-1234-abcd-1234abcd1234-2"),
        ),
        ("bootstrapServers", json_text("b-1.orders.abcd12.c2.kafka.us-east-1.amazonaws.com:9092")),
        ("records", object(&members)),
    ])
    .into_bytes()
}

/// Every workload, by the name its figures carry.
pub fn all() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("sqs", sqs()),
        ("sqs_6mb", sqs_6mb()),
        ("sqs_small", sqs_small()),
        ("fifo", fifo()),
        ("kinesis", kinesis()),
        ("dynamodb", dynamodb()),
        ("kafka", kafka()),
    ]
}
