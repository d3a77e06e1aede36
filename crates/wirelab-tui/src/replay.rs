//! Reading the trace again, for what the index does not keep: the full tree of one frame,
//! the ladder of a stream, a followed stream, the frames a display filter matches.
//!
//! The analysis of a frame depends on every frame before it (a retransmission is one only
//! after the original), so each of these runs the analysis from the first frame; only the
//! frame shown keeps its tree. Stepping forward continues where the last replay stopped.

use crate::builds::CompactLadder;
use crate::index::Cancel;
use crate::source::TraceSource;
use std::collections::VecDeque;
use std::io::Read;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::sync::Arc;
use wirelab_analyze::app::tls::Secrets;
use wirelab_analyze::ladder::LadderBuilder;
use wirelab_analyze::stream::{Followed, Proto, StreamOptions};
use wirelab_analyze::Analyzer;
use wirelab_capture::CaptureReader;
use wirelab_wire::filter::Filter;
use wirelab_wire::{Dissection, Dissector};

type Reader = CaptureReader<Box<dyn Read + Send>>;

/// A fresh reader of `source`'s frames; an error names the source.
pub fn open(source: &dyn TraceSource) -> Result<Reader, String> {
    let name = source.name();
    let bytes = source.open().map_err(|e| format!("{name}: {e}"))?;
    CaptureReader::new(bytes).map_err(|e| format!("{name}: {e}"))
}

/// One frame with its whole tree.
#[derive(Clone)]
pub struct FrameDetail {
    pub number: u64,
    pub bytes: Vec<u8>,
    pub d: Dissection,
}

/// A replay that stopped after some frame and can go on from there.
pub struct Replay {
    reader: Reader,
    dissector: Dissector,
    analyzer: Analyzer,
    /// The number of the next frame the reader gives.
    next: u64,
    scratch: Dissection,
    /// The last frames replayed, with their trees, so that stepping back a little after a
    /// long jump does not read the trace again from its start.
    recent: VecDeque<FrameDetail>,
}

/// How many frames before the one asked for keep their trees.
const RECENT: u64 = 64;

/// How many frames a replay may read before the next screen (some milliseconds); a longer
/// one runs in a thread while the screen says so.
pub const QUICK: u64 = 20_000;

impl Replay {
    pub fn start(source: &dyn TraceSource, secrets: &Secrets) -> Result<Replay, String> {
        Ok(Replay {
            reader: open(source)?,
            dissector: Dissector::new(),
            analyzer: analyzer(StreamOptions::default(), secrets),
            next: 1,
            scratch: Dissection::columns_only(),
            recent: VecDeque::new(),
        })
    }

    /// Whether getting frame `number` is quick enough to do while the user waits for the
    /// next screen: it was kept, or it is at most [`QUICK`] frames ahead of the replay.
    pub fn is_quick(replay: &Option<Replay>, number: u64) -> bool {
        match replay {
            Some(r) if r.recent.iter().any(|f| f.number == number) => true,
            Some(r) if r.next <= number => number - r.next < QUICK,
            _ => number < QUICK,
        }
    }

    /// Frame `number`, dissected with everything the frames before it taught the analysis.
    /// `None` when the trace has no such frame.
    pub fn frame(
        replay: &mut Option<Replay>,
        source: &dyn TraceSource,
        secrets: &Secrets,
        number: u64,
    ) -> Result<Option<FrameDetail>, String> {
        if let Some(kept) = replay
            .as_ref()
            .and_then(|r| r.recent.iter().find(|f| f.number == number))
        {
            return Ok(Some(kept.clone()));
        }
        if replay.as_ref().is_none_or(|r| r.next > number) {
            *replay = Some(Replay::start(source, secrets)?);
        }
        let Some(r) = replay.as_mut() else {
            return Ok(None);
        };
        loop {
            let frame = match r.reader.next_frame() {
                Ok(Some(frame)) => frame,
                Ok(None) => return Ok(None),
                Err(error) => return Err(format!("{}: {error}", source.name())),
            };
            r.next = frame.number + 1;
            if frame.number + RECENT < number {
                r.dissector
                    .dissect_with(&frame, &mut r.scratch, &mut r.analyzer);
                continue;
            }
            let mut d = Dissection::new();
            r.dissector.dissect_with(&frame, &mut d, &mut r.analyzer);
            if r.recent.len() as u64 >= RECENT {
                r.recent.pop_front();
            }
            r.recent.push_back(FrameDetail {
                number: frame.number,
                bytes: frame.bytes.to_vec(),
                d,
            });
            if frame.number >= number {
                return Ok(r.recent.back().cloned());
            }
        }
    }
}

/// An analysis that decrypts TLS with `secrets` (`--tls-keylog`), if any.
pub(crate) fn analyzer(options: StreamOptions, secrets: &Secrets) -> Analyzer {
    let mut analyzer = Analyzer::new(options);
    analyzer.streams.set_tls_secrets(secrets.clone());
    analyzer
}

/// What a replay needs besides the trace: the TLS secrets, and a flag that stops it when its
/// result is no longer wanted.
#[derive(Clone, Default)]
pub struct ReplayContext {
    pub secrets: Secrets,
    pub cancel: Cancel,
}

/// Why a replay stopped when it was cancelled.
pub const CANCELLED: &str = "cancelled";

/// Run the analysis over the trace up to frame `last`: `visit` dissects each frame with the
/// dissector and the analysis (into a tree of its choosing) and returns false to stop early.
pub(crate) fn replay_frames(
    source: &dyn TraceSource,
    context: &ReplayContext,
    options: StreamOptions,
    last: u64,
    mut visit: impl FnMut(&wirelab_wire::Frame<'_>, &mut Dissector, &mut Analyzer) -> bool,
) -> Result<Analyzer, String> {
    let mut reader = open(source)?;
    let mut dissector = Dissector::new();
    let mut analyzer = analyzer(options, &context.secrets);
    loop {
        if context.cancel.load(Ordering::Relaxed) {
            return Err(CANCELLED.to_string());
        }
        let frame = match reader.next_frame() {
            Ok(Some(frame)) => frame,
            Ok(None) => break,
            Err(error) => return Err(format!("{}: {error}", source.name())),
        };
        if !visit(&frame, &mut dissector, &mut analyzer) || frame.number >= last {
            break;
        }
    }
    Ok(analyzer)
}

/// [`replay_frames`], handing each frame's tree (without titles) to `visit`.
fn replay_until(
    source: &dyn TraceSource,
    context: &ReplayContext,
    options: StreamOptions,
    last: u64,
    mut visit: impl FnMut(&wirelab_wire::Frame<'_>, &Dissection) -> bool,
) -> Result<Analyzer, String> {
    let mut d = Dissection::without_titles();
    replay_frames(
        source,
        context,
        options,
        last,
        |frame, dissector, analyzer| {
            dissector.dissect_with(frame, &mut d, analyzer);
            visit(frame, &d)
        },
    )
}

/// The ladder of TCP stream `stream`, whose last frame is `last`, each arrow put into the
/// compact log as soon as it is drawn: a stream of a million segments keeps a few bytes a
/// segment, not the few hundred an [`Arrow`](wirelab_analyze::ladder::Arrow) takes.
pub fn ladder(
    source: &dyn TraceSource,
    context: &ReplayContext,
    stream: u32,
    last: u64,
) -> Result<CompactLadder, String> {
    let mut builder = LadderBuilder::new(Some(u64::from(stream)));
    let mut compact = CompactLadder::default();
    replay_until(
        source,
        context,
        StreamOptions::default(),
        last,
        |frame, d| {
            builder.frame(frame, d);
            builder.take_arrows().iter().for_each(|a| compact.add(a));
            true
        },
    )?;
    compact.ladder = builder.finish().map_err(|error| error.to_string())?;
    compact.arrows.shrink();
    Ok(compact)
}

/// TCP stream `stream` reassembled, as `wirelab follow` shows it.
pub fn follow(
    source: &dyn TraceSource,
    context: &ReplayContext,
    stream: u32,
    last: u64,
) -> Result<Followed, String> {
    let options = StreamOptions {
        follow: Some((Proto::Tcp, stream)),
        ..StreamOptions::default()
    };
    let analyzer = replay_until(source, context, options, last, |_, _| true)?;
    analyzer
        .streams
        .followed()
        .cloned()
        .ok_or_else(|| format!("TCP stream {stream} carried nothing to follow"))
}

/// What a display filter has matched so far.
#[derive(Default)]
pub struct FilterResult {
    pub matching: Vec<u32>,
    /// Frames tested so far.
    pub tested: u64,
    pub done: bool,
    pub error: Option<String>,
}

pub type SharedFilter = Arc<std::sync::Mutex<FilterResult>>;

/// Test every frame against `filter` in a background thread.
pub fn run_filter(
    source: Arc<dyn TraceSource>,
    filter: Filter,
    context: ReplayContext,
) -> SharedFilter {
    let result: SharedFilter = Arc::default();
    let shared = result.clone();
    std::thread::spawn(move || {
        let mut found = Vec::new();
        let mut tested = 0u64;
        let flush = |found: &mut Vec<u32>, tested: u64, done: bool| {
            let mut r = crate::index::lock(&shared);
            r.matching.append(found);
            r.tested = tested;
            r.done = done;
        };
        let options = StreamOptions::default();
        let outcome = replay_until(&*source, &context, options, u64::MAX, |frame, d| {
            tested = frame.number;
            if filter.matches(d, frame.bytes) {
                found.push(frame.number as u32);
            }
            if tested.is_multiple_of(4096) {
                flush(&mut found, tested, false);
            }
            true
        });
        flush(&mut found, tested, true);
        match outcome {
            Err(error) if error != CANCELLED => crate::index::lock(&shared).error = Some(error),
            _ => {}
        }
    });
    result
}

/// Work on the trace done in a background thread (a ladder, a followed stream, a TLS
/// handshake), so that a long stream does not freeze the screen. Dropping the job cancels it.
pub struct Job<T> {
    /// What the job is for (a stream number), to know whether it is still wanted.
    pub key: u32,
    receiver: Receiver<Result<T, String>>,
    cancel: Cancel,
}

impl<T: Send + 'static> Job<T> {
    /// Start `work` in a thread; it gets a context whose cancel flag this job owns.
    pub fn spawn(
        key: u32,
        secrets: &Secrets,
        work: impl FnOnce(&ReplayContext) -> Result<T, String> + Send + 'static,
    ) -> Job<T> {
        let cancel: Cancel = Arc::new(AtomicBool::new(false));
        let context = ReplayContext {
            secrets: secrets.clone(),
            cancel: cancel.clone(),
        };
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = sender.send(work(&context));
        });
        Job {
            key,
            receiver,
            cancel,
        }
    }

    /// The result, once the thread has finished.
    pub fn poll(&self) -> Option<Result<T, String>> {
        match self.receiver.try_recv() {
            Ok(result) => Some(result),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Err("the background reader stopped".into())),
        }
    }

    /// Wait for the result (tests).
    pub fn wait(&self) -> Result<T, String> {
        self.receiver
            .recv()
            .unwrap_or_else(|_| Err("the background reader stopped".into()))
    }
}

impl<T> Drop for Job<T> {
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}
