//! Pagination benchmark: a 1,000,000-item paginated stream against a hand-written page loop
//! decoding the same pages, plus the peak RSS of the streaming run.
//!
//! Run with `cargo bench -p connkit --bench paginate` (release). Options: `--items N`,
//! `--page-size N`, `--rounds N`. The throughput of both loops is measured in one process,
//! interleaved, best round of each; the peak RSS (`VmHWM` of `/proc/self/status`) of each loop
//! is measured in a fresh child process running only that loop.
//!
//! Pages are served from memory: the 1,000 items of a page are serialized once and each page
//! body is assembled around them with its own next token (a copy, as a network read would
//! make), so both loops see identical bodies and only decoding and the engine differ.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;
use std::process::Command;
use std::time::{Duration, Instant};

use bytes::{BufMut, Bytes, BytesMut};
use connkit::paginate::{PageRequest, PageResponse, Pagination, TokenSource};
use futures::StreamExt;
use futures::executor::block_on;
use futures::future::ready;
use serde::{Deserialize, Serialize};
use url::Url;

#[derive(Debug, Serialize, Deserialize)]
struct Order {
    #[serde(rename = "AmazonOrderId")]
    id: u64,
    #[serde(rename = "OrderStatus")]
    status: String,
    #[serde(rename = "PurchaseDate")]
    purchased: String,
    #[serde(rename = "OrderTotal")]
    total: f64,
    #[serde(rename = "IsPrime")]
    prime: bool,
    #[serde(rename = "Tags")]
    tags: Vec<String>,
}

/// The hand-written loop's view of a page.
#[derive(Deserialize)]
struct Body {
    payload: Payload,
}

#[derive(Deserialize)]
struct Payload {
    #[serde(rename = "Orders")]
    orders: Vec<Order>,
    #[serde(rename = "NextToken")]
    next_token: Option<String>,
}

/// Serves pages from memory: page `k` (0-based) of `pages`, each with `page_size` items.
struct Server {
    items_json: Vec<u8>,
    pages: u64,
}

impl Server {
    fn new(page_size: u64, pages: u64) -> Self {
        let orders: Vec<Order> = (0..page_size)
            .map(|i| Order {
                id: 100_000 + i,
                status: if i % 3 == 0 { "Shipped" } else { "Unshipped" }.to_string(),
                purchased: "2026-11-30T09:00:00Z".to_string(),
                total: i as f64 * 1.25,
                prime: i % 2 == 0,
                tags: vec!["gift".to_string(), format!("batch-{}", i % 7)],
            })
            .collect();
        Self { items_json: serde_json::to_vec(&orders).unwrap(), pages }
    }

    /// The body of the page asked for with `token` (`None` = the first page).
    fn page(&self, token: Option<&str>) -> Bytes {
        let k: u64 = token.map_or(0, |t| t.trim_start_matches('p').parse().unwrap());
        let mut body = BytesMut::with_capacity(self.items_json.len() + 128);
        body.put_slice(br#"{"payload":{"Orders":"#);
        body.put_slice(&self.items_json);
        if k + 1 < self.pages {
            body.put_slice(format!(r#","NextToken":"p{}""#, k + 1).as_bytes());
        }
        body.put_slice(br#"},"errors":null}"#);
        body.freeze()
    }
}

/// What each loop does with an item, so that decoding cannot be optimised away.
#[derive(Default)]
struct Sink {
    items: u64,
    checksum: u64,
}

impl Sink {
    fn take(&mut self, order: Order) {
        self.items += 1;
        self.checksum = self
            .checksum
            .wrapping_add(order.id)
            .wrapping_add(order.status.len() as u64)
            .wrapping_add(order.tags.len() as u64)
            .wrapping_add(order.total as u64)
            .wrapping_add(u64::from(order.prime));
        black_box(&order);
    }
}

fn hand_loop(server: &Server) -> Sink {
    let mut sink = Sink::default();
    let mut token: Option<String> = None;
    loop {
        let body = server.page(token.as_deref());
        let page: Body = serde_json::from_slice(&body).unwrap();
        drop(body);
        for order in page.payload.orders {
            sink.take(order);
        }
        match page.payload.next_token {
            Some(next) if !next.is_empty() => token = Some(next),
            _ => return sink,
        }
    }
}

fn stream_loop(server: &Server) -> Sink {
    let base = Url::parse("https://sellingpartnerapi-na.amazon.com/orders/v0/orders").unwrap();
    let pagination = Pagination::next_token("NextToken", TokenSource::body("payload.NextToken"))
        .with_items_path("payload.Orders");
    let fetch = |request: PageRequest| {
        let token = request.params().first().map(|p| p.value.as_text().into_owned());
        let body = server.page(token.as_deref());
        ready(Ok::<_, connkit::Error>(PageResponse::new(base.clone(), body)))
    };
    let mut stream = pagination.items::<Order, _, _, _>(fetch);
    let mut sink = Sink::default();
    block_on(async {
        while let Some(order) = stream.next().await {
            sink.take(order.unwrap());
        }
    });
    sink
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter().position(|a| a == name).and_then(|at| args.get(at + 1)).cloned()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let items: u64 = arg(&args, "--items").map_or(1_000_000, |v| v.parse().unwrap());
    let page_size: u64 = arg(&args, "--page-size").map_or(1_000, |v| v.parse().unwrap());
    let rounds: usize = arg(&args, "--rounds").map_or(5, |v| v.parse().unwrap());
    let pages = items.div_ceil(page_size);
    let server = Server::new(page_size, pages);

    // Child mode: run one loop once and report its peak RSS.
    if let Some(mode) = arg(&args, "--mode") {
        let sink = match mode.as_str() {
            "stream" => stream_loop(&server),
            _ => hand_loop(&server),
        };
        assert_eq!(sink.items, pages * page_size);
        println!("{} {}", peak_rss_kib().unwrap_or(0), sink.checksum);
        return;
    }

    println!(
        "pagination: {} items in {pages} pages of {page_size} ({} KiB per page body)",
        pages * page_size,
        server.page(None).len() / 1024
    );
    let mut best_hand = Duration::MAX;
    let mut best_stream = Duration::MAX;
    for round in 0..rounds {
        let start = Instant::now();
        let hand = hand_loop(&server);
        let hand_time = start.elapsed();
        let start = Instant::now();
        let stream = stream_loop(&server);
        let stream_time = start.elapsed();
        assert_eq!(hand.items, stream.items);
        assert_eq!(hand.checksum, stream.checksum);
        println!(
            "  round {round}: hand-written {:>8.1} ms, connkit stream {:>8.1} ms",
            hand_time.as_secs_f64() * 1e3,
            stream_time.as_secs_f64() * 1e3
        );
        best_hand = best_hand.min(hand_time);
        best_stream = best_stream.min(stream_time);
    }
    let total = (pages * page_size) as f64;
    let hand_rate = total / best_hand.as_secs_f64();
    let stream_rate = total / best_stream.as_secs_f64();
    println!("hand-written page loop: {:>12.0} items/s (best of {rounds})", hand_rate);
    println!("connkit item stream:    {:>12.0} items/s (best of {rounds})", stream_rate);
    println!("throughput ratio stream/hand: {:.3} (target >= 0.9)", stream_rate / hand_rate);

    let exe = std::env::current_exe().unwrap();
    for mode in ["stream", "hand"] {
        let output = Command::new(&exe)
            .args(["--mode", mode, "--items", &items.to_string(), "--page-size"])
            .arg(page_size.to_string())
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&output.stdout);
        let kib: u64 = text.split_whitespace().next().and_then(|v| v.parse().ok()).unwrap_or(0);
        let label = if mode == "stream" { "connkit stream" } else { "hand-written loop" };
        let target = if mode == "stream" { " (target < 64 MiB)" } else { "" };
        println!("peak RSS, {label}: {:.1} MiB{target}", kib as f64 / 1024.0);
    }
}
