//! The stand-in's in-memory state: webhooks per company, rate-limit buckets, queued faults, recorded deliveries.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

use serde::Serialize;

use crate::MockConfig;
use crate::deliver::DeliveryRecord;
use crate::faults::Fault;

/// A webhook's id: a UUID string as meetergo documents it, or an integer as its live API has been seen answering
/// (`--numeric-ids`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub(crate) enum WebhookId {
    Text(String),
    Number(u64),
}

impl WebhookId {
    /// The id as a path segment spells it (`/webhooks/1492`).
    pub(crate) fn text(&self) -> String {
        match self {
            WebhookId::Text(s) => s.clone(),
            WebhookId::Number(n) => n.to_string(),
        }
    }

    /// `true` when the path segment `id` names this webhook.
    pub(crate) fn is(&self, id: &str) -> bool {
        match self {
            WebhookId::Text(s) => s == id,
            WebhookId::Number(n) => {
                id.parse::<u64>().is_ok_and(|i| i == *n) && !id.starts_with('+')
            }
        }
    }
}

/// The settings that can change while the stand-in runs (`/_mock/settings`); they start as the [`MockConfig`] says
/// and `/_mock/reset` puts them back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct Settings {
    #[serde(default)]
    pub(crate) numeric_ids: Option<bool>,
    #[serde(default)]
    pub(crate) allow_local_endpoints: Option<bool>,
}

/// A registered webhook, as meetergo returns it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct StoredWebhook {
    pub(crate) id: WebhookId,
    pub(crate) endpoint: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) description: Option<String>,
    pub(crate) event_types: Vec<String>,
    pub(crate) company_id: String,
    pub(crate) created_at: String,
}

pub(crate) struct State {
    pub(crate) config: MockConfig,
    /// company id → its webhooks, in creation order.
    companies: Mutex<HashMap<String, Vec<StoredWebhook>>>,
    /// token → (tokens left, last refill).
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
    faults: Mutex<VecDeque<Fault>>,
    deliveries: Mutex<Vec<DeliveryRecord>>,
    requests: AtomicU64,
    numeric_ids: AtomicBool,
    allow_local_endpoints: AtomicBool,
    /// The next numeric id (meetergo's live API was seen answering `"id": 1492`).
    next_number: AtomicU64,
    pub(crate) http: reqwest::Client,
}

/// The first numeric webhook id.
const FIRST_NUMERIC_ID: u64 = 1492;

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl State {
    pub(crate) fn new(config: MockConfig) -> Result<Self, String> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            // Deliveries go to local receivers: a proxy from the environment must not intercept them.
            .no_proxy()
            .user_agent(concat!("meetergo-mock/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Self {
            numeric_ids: AtomicBool::new(config.numeric_ids),
            allow_local_endpoints: AtomicBool::new(config.allow_local_endpoints),
            next_number: AtomicU64::new(FIRST_NUMERIC_ID),
            config,
            companies: Mutex::default(),
            buckets: Mutex::default(),
            faults: Mutex::default(),
            deliveries: Mutex::default(),
            requests: AtomicU64::new(0),
            http,
        })
    }

    /// A fresh webhook id in the current mode.
    pub(crate) fn new_webhook_id(&self) -> WebhookId {
        if self.numeric_ids.load(Ordering::Relaxed) {
            WebhookId::Number(self.next_number.fetch_add(1, Ordering::Relaxed))
        } else {
            WebhookId::Text(crate::samples::uuid())
        }
    }

    /// `true` when endpoints without a top-level domain (`http://localhost:3000`) are accepted.
    pub(crate) fn allows_local_endpoints(&self) -> bool {
        self.allow_local_endpoints.load(Ordering::Relaxed)
    }

    /// The current settings, every field given.
    pub(crate) fn settings(&self) -> Settings {
        Settings {
            numeric_ids: Some(self.numeric_ids.load(Ordering::Relaxed)),
            allow_local_endpoints: Some(self.allow_local_endpoints.load(Ordering::Relaxed)),
        }
    }

    /// Changes the settings that are given.
    pub(crate) fn apply(&self, settings: Settings) {
        if let Some(on) = settings.numeric_ids {
            self.numeric_ids.store(on, Ordering::Relaxed);
        }
        if let Some(on) = settings.allow_local_endpoints {
            self.allow_local_endpoints.store(on, Ordering::Relaxed);
        }
    }

    pub(crate) fn count_request(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn request_count(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    pub(crate) fn with_company<R>(
        &self,
        company: &str,
        f: impl FnOnce(&mut Vec<StoredWebhook>) -> R,
    ) -> R {
        let mut companies = lock(&self.companies);
        f(companies.entry(company.to_owned()).or_default())
    }

    /// Webhooks subscribed to `event_type`, of one company or of all.
    pub(crate) fn subscribers(
        &self,
        company: Option<&str>,
        event_type: &str,
    ) -> Vec<StoredWebhook> {
        let companies = lock(&self.companies);
        companies
            .iter()
            .filter(|(id, _)| company.is_none_or(|c| c == id.as_str()))
            .flat_map(|(_, hooks)| hooks.iter())
            .filter(|h| h.event_types.iter().any(|t| t == event_type))
            .cloned()
            .collect()
    }

    /// Takes one request from the token's bucket (100 a minute, bursts of 200). `Err(seconds)` until the next one.
    pub(crate) fn take_token(&self, token: &str) -> Result<(), u64> {
        if !self.config.rate_limit {
            return Ok(());
        }
        const PER_SECOND: f64 = 100.0 / 60.0;
        const BURST: f64 = 200.0;
        let now = Instant::now();
        let mut buckets = lock(&self.buckets);
        let (tokens, last) = buckets.entry(token.to_owned()).or_insert((BURST, now));
        *tokens = (*tokens + now.duration_since(*last).as_secs_f64() * PER_SECOND).min(BURST);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            // Whole seconds, rounded up: Retry-After takes integers.
            let wait =
                std::time::Duration::try_from_secs_f64(((1.0 - *tokens) / PER_SECOND).ceil());
            Err(wait.map_or(1, |w| w.as_secs().max(1)))
        }
    }

    pub(crate) fn inject(&self, fault: Fault, count: u32) {
        let mut faults = lock(&self.faults);
        for _ in 0..count {
            faults.push_back(fault.clone());
        }
    }

    pub(crate) fn next_fault(&self) -> Option<Fault> {
        lock(&self.faults).pop_front()
    }

    pub(crate) fn clear_faults(&self) {
        lock(&self.faults).clear();
    }

    pub(crate) fn record(&self, delivery: DeliveryRecord) {
        lock(&self.deliveries).push(delivery);
    }

    pub(crate) fn deliveries(&self) -> Vec<DeliveryRecord> {
        lock(&self.deliveries).clone()
    }

    pub(crate) fn reset(&self) {
        lock(&self.companies).clear();
        lock(&self.buckets).clear();
        lock(&self.faults).clear();
        lock(&self.deliveries).clear();
        self.numeric_ids
            .store(self.config.numeric_ids, Ordering::Relaxed);
        self.allow_local_endpoints
            .store(self.config.allow_local_endpoints, Ordering::Relaxed);
        self.next_number.store(FIRST_NUMERIC_ID, Ordering::Relaxed);
    }
}
