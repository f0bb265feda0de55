//! `/webhooks`: create, list, update, delete, and reconcile after an unknown outcome.

use std::fmt;

use serde::Deserialize;
use serde_json::de::SliceRead;

use crate::error::{Error, Result};
use crate::event_type::EventType;
use crate::http::{Response, Transport};
use crate::models::{NewWebhook, Webhook, WebhookPatch};
use crate::open_struct::{error_path, read_list};
use crate::retry::Method;
use crate::sync::{SyncAction, plan_sync, same_endpoint, validate_desired};
use crate::validate::{validate_new_webhook, validate_patch, validate_webhook_id};

/// The webhook endpoints of the company the token belongs to. Get it with
/// [`Client::webhooks`](crate::Client::webhooks).
#[derive(Clone, Copy)]
pub struct Webhooks<'a> {
    transport: &'a Transport,
    allow_insecure_endpoints: bool,
}

impl fmt::Debug for Webhooks<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhooks")
            .field("base_url", &self.transport.root.as_str())
            .finish_non_exhaustive()
    }
}

impl<'a> Webhooks<'a> {
    pub(crate) fn new(transport: &'a Transport, allow_insecure_endpoints: bool) -> Self {
        Self {
            transport,
            allow_insecure_endpoints,
        }
    }

    /// Registers a webhook (`POST /webhooks`). Validated first: nothing is sent for a bad endpoint or an empty
    /// list of event types; duplicate event types are removed.
    ///
    /// A create is never retried once it may have reached meetergo (meetergo has no idempotency keys). When it
    /// fails with [`Error::is_outcome_unknown`] (a timeout, a dropped connection, a 5xx), call
    /// [`Webhooks::reconcile`] to learn whether it was created before trying again.
    /// With six webhooks already registered it fails with [`Error::LimitReached`].
    pub async fn create(&self, webhook: NewWebhook) -> Result<Webhook> {
        let webhook = validate_new_webhook(&webhook, self.allow_insecure_endpoints)?;
        let body = serde_json::to_vec(&webhook).unwrap_or_default();
        let response = self
            .transport
            .send(Method::Post, self.transport.url(&["webhooks"]), Some(body))
            .await?;
        decode(self.transport, Method::Post, "/webhooks", &response, |d| {
            Webhook::deserialize(d)
        })
    }

    /// Lists the company's webhooks (`GET /webhooks`; not paginated, at most six).
    pub async fn list(&self) -> Result<Vec<Webhook>> {
        let response = self
            .transport
            .send(Method::Get, self.transport.url(&["webhooks"]), None)
            .await?;
        decode(self.transport, Method::Get, "/webhooks", &response, |d| {
            read_list(d)
        })
    }

    /// Changes a webhook (`PATCH /webhooks/{id}`); only the fields set in `patch` are sent, and `event_types`
    /// replaces the whole list.
    pub async fn update(&self, id: &str, patch: WebhookPatch) -> Result<Webhook> {
        validate_webhook_id(id)?;
        let patch = validate_patch(&patch, self.allow_insecure_endpoints)?;
        let body = serde_json::to_vec(&patch).unwrap_or_default();
        let url = self.transport.url(&["webhooks", id]);
        let path = url.path().to_owned();
        let response = self.transport.send(Method::Patch, url, Some(body)).await?;
        decode(self.transport, Method::Patch, &path, &response, |d| {
            Webhook::deserialize(d)
        })
    }

    /// Deletes a webhook (`DELETE /webhooks/{id}`, `204 No Content`). A retry after an unknown outcome that finds
    /// the webhook gone counts as success.
    pub async fn delete(&self, id: &str) -> Result<()> {
        validate_webhook_id(id)?;
        self.transport
            .send(Method::Delete, self.transport.url(&["webhooks", id]), None)
            .await?;
        Ok(())
    }

    /// After a create whose outcome is unknown: lists the webhooks and returns the one matching `webhook` (same
    /// endpoint URL, same set of event types, and the same description when `webhook` has one), if any.
    ///
    /// ```no_run
    /// # async fn run(client: meetergo_core::Client, new: meetergo_core::NewWebhook) -> meetergo_core::Result<()> {
    /// let hook = match client.webhooks().create(new.clone()).await {
    ///     Ok(hook) => hook,
    ///     Err(e) if e.is_outcome_unknown() => match client.webhooks().reconcile(&new).await? {
    ///         Some(existing) => existing,                     // the first attempt went through
    ///         None => client.webhooks().create(new).await?,   // it did not: safe to create now
    ///     },
    ///     Err(e) => return Err(e),
    /// };
    /// # Ok(()) }
    /// ```
    pub async fn reconcile(&self, webhook: &NewWebhook) -> Result<Option<Webhook>> {
        let wanted = validate_new_webhook(webhook, self.allow_insecure_endpoints)?;
        let mut wanted_types: Vec<&EventType> = wanted.event_types.iter().collect();
        wanted_types.sort();
        Ok(self.list().await?.into_iter().find(|hook| {
            let same_endpoint = same_endpoint(&hook.endpoint, &wanted.endpoint);
            let mut types: Vec<&EventType> = hook.event_types.iter().collect();
            types.sort();
            types.dedup();
            let same_description =
                wanted.description.is_none() || wanted.description == hook.description;
            same_endpoint && types == wanted_types && same_description
        }))
    }
}

/// One step of [`Webhooks::sync`] that was carried out, with the webhook as it is afterwards (`None` after a delete).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct SyncStep {
    /// What was done.
    pub action: SyncAction,
    /// The webhook afterwards: the updated or created one; `None` for a delete.
    pub webhook: Option<Webhook>,
}

impl Webhooks<'_> {
    /// The plan that makes the company's webhooks match `desired` (see [`plan_sync`]): the wanted list is checked
    /// first ([`validate_desired`]; nothing is sent for a bad entry), then the registered webhooks are listed.
    pub async fn plan_sync(&self, desired: &[NewWebhook]) -> Result<Vec<SyncAction>> {
        let desired = validate_desired(desired, self.allow_insecure_endpoints)?;
        let existing = self.list().await?;
        Ok(plan_sync(&desired, &existing))
    }

    /// Makes the company's webhooks match `desired`: plans ([`Webhooks::plan_sync`]) and carries out every change,
    /// updates, then deletes, then creates. Stops at the first failure and returns it; the plan converges, so running
    /// `sync` again after a failure picks up where it stopped (a create whose outcome was unknown is found by the
    /// next plan's list). Returns the steps that changed something, in order.
    pub async fn sync(&self, desired: &[NewWebhook]) -> Result<Vec<SyncStep>> {
        let mut done = Vec::new();
        for action in self.plan_sync(desired).await? {
            if action.is_change() {
                let webhook = action.apply(self).await?;
                done.push(SyncStep { action, webhook });
            }
        }
        Ok(done)
    }
}

/// Reads a success body with `read`; a failure names the JSON path of the offending value (the models' own path
/// recorder, as for deliveries). The body and the parser's message (which can quote a string value) are scrubbed of
/// the token, like error bodies: a base URL pointing at an echo service answers 200 with the request headers.
fn decode<T>(
    transport: &Transport,
    method: Method,
    path: &str,
    response: &Response,
    read: impl FnOnce(&mut serde_json::Deserializer<SliceRead<'_>>) -> serde_json::Result<T>,
) -> Result<T> {
    error_path::recording(|| {
        let mut de = serde_json::Deserializer::from_slice(&response.body);
        let value = read(&mut de)?;
        de.end()?;
        Ok(value)
    })
    .map_err(|(e, at): (serde_json::Error, String)| {
        let body = transport.scrub(&String::from_utf8_lossy(&response.body));
        Error::UnexpectedResponse {
            method: method.as_str().into(),
            path: path.to_owned(),
            status: response.status,
            // serde_json quotes the offending value in full: capped like every text from the server.
            message: crate::error::capped(
                transport.scrub(&format!("at `{at}`: {e}")),
                crate::error::ApiError::MAX_TEXT_CHARS,
            ),
            body: body
                .chars()
                .take(crate::error::ApiError::MAX_BODY_CHARS)
                .collect(),
        }
    })
}
