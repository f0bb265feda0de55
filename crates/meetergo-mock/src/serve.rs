//! Serving an axum router with the bounds a server reachable by strangers needs, used by the stand-in and by
//! `meetergo listen`: `axum::serve` has none of them, so 2,000 half-sent requests held 710 MB for as long as their
//! senders liked.
//!
//! - **Headers** must arrive within [`Limits::header_timeout`] of the connection's first byte or of the previous
//!   answer (an idle keep-alive connection is closed after the same time), and fit in [`Limits::max_header_bytes`]
//!   (431 otherwise).
//! - **Bodies** must arrive within [`Limits::body_timeout`] of the headers; a late body fails with [`BodyTimeout`]
//!   in its chain of causes, which a handler can answer with 408.
//! - **Connections**: at most [`Limits::max_connections`] at once; further ones wait in the kernel's accept queue
//!   until a slot frees (a slow sender holds a slot for at most the two timeouts).
//!
//! With the defaults, one connection holds at most its header buffer (64 KiB) plus the body its handler reads, so
//! the listener's memory is bounded by `max_connections × 64 KiB` plus what the handlers keep.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use hyper::body::{Frame, Incoming, SizeHint};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use tokio::time::{Instant, Sleep};

/// The bounds [`serve`] applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// How long a client may take to send a request's headers (and how long an idle connection stays open).
    pub header_timeout: Duration,
    /// How long a client may take to send a request's body, counted from its headers.
    pub body_timeout: Duration,
    /// Connections served at once; more wait to be accepted.
    pub max_connections: usize,
    /// The largest request head (request line and headers) accepted, in bytes (at least 8,192).
    pub max_header_bytes: usize,
    /// How long requests in flight get to finish once the server is asked to stop.
    pub grace: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            max_connections: 512,
            max_header_bytes: 64 * 1024,
            grace: Duration::from_secs(2),
        }
    }
}

impl Limits {
    /// These limits with another header timeout.
    #[must_use]
    pub fn header_timeout(mut self, timeout: Duration) -> Self {
        self.header_timeout = timeout;
        self
    }

    /// These limits with another body timeout.
    #[must_use]
    pub fn body_timeout(mut self, timeout: Duration) -> Self {
        self.body_timeout = timeout;
        self
    }

    /// These limits with another connection limit (at least 1).
    #[must_use]
    pub fn max_connections(mut self, count: usize) -> Self {
        self.max_connections = count.max(1);
        self
    }
}

/// The error a request body reports when it did not arrive within [`Limits::body_timeout`].
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("the request body did not arrive within {0:?}")]
pub struct BodyTimeout(pub Duration);

/// Whether `error` (an axum body error) is a [`BodyTimeout`] somewhere in its chain of causes.
pub fn is_body_timeout(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(e) = cause {
        if e.is::<BodyTimeout>() {
            return true;
        }
        cause = e.source();
    }
    false
}

/// A request body that fails with [`BodyTimeout`] once its deadline has passed.
struct DeadlineBody {
    inner: Incoming,
    deadline: Pin<Box<Sleep>>,
    timeout: Duration,
}

impl hyper::body::Body for DeadlineBody {
    type Data = hyper::body::Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(frame) => Poll::Ready(frame.map(|f| f.map_err(Into::into))),
            Poll::Pending => match this.deadline.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Some(Err(Box::new(BodyTimeout(this.timeout))))),
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Serves one connection (any byte stream: a TCP stream, or an in-memory one in the fuzz target) to its end, within
/// `limits` but for the connection limit, exactly as [`serve`] serves each connection it accepts.
pub async fn serve_connection<I>(io: I, app: Router, limits: Limits)
where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let (_closing, closed) = watch::channel(false);
    serve_until(io, app, limits, closed, ()).await;
}

/// One connection, until it ends or `closed` changes (then gracefully); `slot` is held meanwhile.
async fn serve_until<I, S: Send>(
    io: I,
    app: Router,
    limits: Limits,
    mut closed: watch::Receiver<bool>,
    slot: S,
) where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let _slot = slot;
    let body_timeout = limits.body_timeout;
    let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
        let request: Request = request.map(|inner| {
            Body::new(DeadlineBody {
                inner,
                deadline: Box::pin(tokio::time::sleep_until(Instant::now() + body_timeout)),
                timeout: body_timeout,
            })
        });
        tower_service::Service::call(&mut app.clone(), request)
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_header_size(limits.max_header_bytes.max(8192))
        .max_buf_size(limits.max_header_bytes.max(8192));
    let connection = builder.serve_connection(TokioIo::new(io), service);
    tokio::pin!(connection);
    tokio::select! {
        _ = connection.as_mut() => {}
        _ = closed.changed() => {
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        }
    }
}

/// Serves `app` on `listener` within `limits` until `shutdown` completes; then stops accepting, lets requests in
/// flight finish for up to [`Limits::grace`], and returns.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send,
) {
    let slots = Arc::new(Semaphore::new(
        limits.max_connections.clamp(1, Semaphore::MAX_PERMITS),
    ));
    let (closing, closed) = watch::channel(false);
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        while connections.try_join_next().is_some() {}
        let slot = tokio::select! {
            slot = Arc::clone(&slots).acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors and the like: wait rather than spin; the listener itself is fine.
                    log::warn!(target: "meetergo_mock", "accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let closed = closed.clone();
        connections.spawn(serve_until(stream, app.clone(), limits, closed, slot));
    }
    drop(listener);
    let _ = closing.send(true);
    let drained = tokio::time::timeout(limits.grace, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        connections.abort_all();
    }
}
