//! The core's `log` records, handed to a JavaScript function (`setLogger` in `node/index.js`), as pyo3-log hands
//! them to Python's `logging`. Silent until a sink is set; records of other crates are not passed on.

use std::sync::{Arc, Once, PoisonError, RwLock};

use log::{LevelFilter, Log, Metadata, Record};
use napi::bindgen_prelude::*;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi_derive::napi;

/// One log record of the core.
#[napi(object)]
pub struct LogRecord {
    /// `error`, `warn`, `info`, `debug` or `trace`.
    pub level: String,
    /// `meetergo` or `meetergo::inbox`.
    pub target: String,
    /// The text: never the API token or a path secret.
    pub message: String,
}

/// A JavaScript function called with each record, on the event loop. Weak: it never keeps the process alive.
type Sink = ThreadsafeFunction<LogRecord, (), LogRecord, Status, false, true>;

struct JsLogger {
    sink: RwLock<Option<Arc<Sink>>>,
}

static LOGGER: JsLogger = JsLogger {
    sink: RwLock::new(None),
};

impl Log for JsLogger {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        let target = metadata.target();
        target == "meetergo" || target.starts_with("meetergo::")
    }

    fn log(&self, record: &Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let sink = self
            .sink
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        if let Some(sink) = sink {
            let record = LogRecord {
                level: record.level().as_str().to_ascii_lowercase(),
                target: record.target().to_owned(),
                message: record.args().to_string(),
            };
            // Never blocks a request: when the queue is full or the environment is going away, the record is dropped.
            let _ = sink.call(record, ThreadsafeFunctionCallMode::NonBlocking);
        }
    }

    fn flush(&self) {}
}

/// Sets (or with `null`, removes) the function that receives the core's log records at `level` and above
/// (`silent`, `error`, `warn`, `info`, `debug`, `trace`). For `setLogger`; process-wide.
#[napi]
pub fn set_log_sink(
    sink: Option<ThreadsafeFunction<LogRecord, (), LogRecord, Status, false, true>>,
    level: String,
) -> Result<()> {
    let filter = match level.as_str() {
        "silent" => LevelFilter::Off,
        "error" => LevelFilter::Error,
        "warn" => LevelFilter::Warn,
        "info" => LevelFilter::Info,
        "debug" => LevelFilter::Debug,
        "trace" => LevelFilter::Trace,
        other => {
            return Err(Error::new(
                Status::InvalidArg,
                format!("unknown log level {other:?}"),
            ));
        }
    };
    static INSTALL: Once = Once::new();
    // Fails only if the host process installed another `log` logger first; then records go there.
    INSTALL.call_once(|| {
        let _ = log::set_logger(&LOGGER);
    });
    let filter = if sink.is_some() {
        filter
    } else {
        LevelFilter::Off
    };
    *LOGGER.sink.write().unwrap_or_else(PoisonError::into_inner) = sink.map(Arc::new);
    log::set_max_level(filter);
    Ok(())
}
