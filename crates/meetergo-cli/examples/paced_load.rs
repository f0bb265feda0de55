//! An open-loop load generator for `scripts/bench-inbox.sh`: POSTs a distinct `booking_created` delivery every
//! 1/RATE s for DURATION s, whatever the answers' latency (unlike wrk, whose connections wait for each answer), then
//! prints the rate reached and the ack latency's p50, p99 and max, and how many answers were not 200.
//!
//!     cargo run --release -p meetergo-cli --example paced_load -- URL [RATE=1000] [SECONDS=10]

use std::time::{Duration, Instant};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let url = args
        .next()
        .ok_or("usage: paced_load URL [RATE] [SECONDS]")?;
    let rate: u32 = args.next().map_or(Ok(1000), |r| r.parse())?;
    let seconds: u32 = args.next().map_or(Ok(10), |s| s.parse())?;
    let client = meetergo_cli::trigger::delivery_client(Duration::from_secs(30))?;
    let mut tick = tokio::time::interval(Duration::from_secs(1) / rate.max(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let total = rate * seconds;
    let started = Instant::now();
    let mut sent = tokio::task::JoinSet::new();
    for n in 0..total {
        tick.tick().await;
        let (client, url) = (client.clone(), url.clone());
        sent.spawn(async move {
            let body = format!(
                r#"{{"webhookType":"booking_created","id":"paced-{n}","start":"2024-01-15T09:00:00+01:00","end":"2024-01-15T09:30:00+01:00","attendees":[{{"email":"test@example.com","firstname":"Test","lastname":"User"}}],"hosts":[{{"email":"host@example.com","givenName":"Host","familyName":"User"}}],"meetingType":{{"id":"mt-123","meetingInfo":{{"name":"Test Meeting"}}}},"updatedAt":"2024-01-10T12:00:00Z"}}"#
            );
            let at = Instant::now();
            let answer = client
                .post(&url)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await;
            (at.elapsed(), answer.map(|a| a.status().as_u16()).unwrap_or(0))
        });
    }
    let offered = started.elapsed();
    let mut latencies = Vec::with_capacity(total as usize);
    let mut not_ok = 0u32;
    while let Some(done) = sent.join_next().await {
        let (latency, status) = done?;
        latencies.push(latency);
        if status != 200 {
            not_ok += 1;
        }
    }
    latencies.sort_unstable();
    // The q-th quantile by rank (per mille: 500 is the median).
    let at = |per_mille: usize| {
        let i = latencies.len().saturating_sub(1) * per_mille / 1000;
        latencies.get(i).copied().unwrap_or_default().as_secs_f64() * 1000.0
    };
    println!(
        "offered {:.0}/s for {:.1} s: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms, not 200: {not_ok}",
        f64::from(total) / offered.as_secs_f64(),
        offered.as_secs_f64(),
        at(500),
        at(990),
        at(1000)
    );
    Ok(())
}
