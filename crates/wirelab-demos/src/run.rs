//! The driver of a lesson: the simulated link with a recorder on each direction, the
//! events of both stacks collected as they happen, and the steps built from them.

use crate::narrate;
use crate::{Host, Params, Step, TraceEvent, TraceFrame};
use std::cell::RefCell;
use std::rc::Rc;
use wirelab_stack::iface::{Interface, InterfaceConfig, SocketHandle};
use wirelab_stack::sim::{
    FaultInjector, Faults, Link, LinkConfig, Medium, Sim, SimConfig, ADDR_A, ADDR_B, MAC_A, MAC_B,
};
use wirelab_stack::tcp::{self, Event};
use wirelab_stack::wire::summarize_frame;
use wirelab_stack::{Duration, Instant};

type Frames = Rc<RefCell<Vec<TraceFrame>>>;

/// Middleware that records every frame sent in one direction, with what befell it.
struct Recorder<M: Medium> {
    inner: M,
    from: Host,
    frames: Frames,
    plan: Rc<RefCell<LossPlan>>,
    note: Option<&'static str>,
}

impl<M: Medium> Medium for Recorder<M> {
    fn transmit(&mut self, now: Instant, frame: Vec<u8>) {
        let lose = narrate::carries_data(&frame) && {
            let mut plan = self.plan.borrow_mut();
            let ordinal = plan.data_frames;
            plan.data_frames += 1;
            plan.lose.contains(&ordinal)
        };
        let fate = if lose {
            Some("lost")
        } else {
            self.inner.transmit(now, frame.clone());
            self.inner.take_note()
        };
        self.note = fate;
        self.frames.borrow_mut().push(TraceFrame {
            micros: now.total_micros(),
            from: self.from,
            summary: summarize_frame(&frame),
            bytes: frame,
            fate,
        });
    }

    fn receive(&mut self, now: Instant) -> Option<Vec<u8>> {
        self.inner.receive(now)
    }

    fn poll_timeout(&self) -> Option<Instant> {
        self.inner.poll_timeout()
    }

    fn take_note(&mut self) -> Option<&'static str> {
        self.note.take()
    }
}

/// How a lesson sets up its link, on top of the user's [`Params`].
pub struct Setup {
    pub tcp: tcp::Config,
    pub link: LinkConfig,
    pub loss: f64,
}

/// Frames one direction of the link loses on purpose: the data frames (TCP segments with a
/// payload, UDP datagrams) are numbered from 0 as they are sent.
#[derive(Debug, Default)]
pub struct LossPlan {
    pub data_frames: usize,
    pub lose: Vec<usize>,
}

impl Setup {
    /// The defaults of the simulated link (10 ms, 100 Mbit/s, short RTO and MSL) with the
    /// user's parameters applied.
    pub fn new(params: &Params) -> Setup {
        let mut tcp = SimConfig::default().tcp;
        let mut link = LinkConfig::default();
        if let Some(mss) = params.mss {
            tcp.mss = mss;
        }
        if let Some(window) = params.window {
            tcp.recv_buffer = window;
        }
        if let Some(cc) = params.congestion {
            tcp.congestion = cc;
        }
        if let Some(delay) = params.delay_ms {
            link.delay = Duration::from_millis(delay);
        }
        if params.bandwidth.is_some() {
            link.bandwidth = params.bandwidth;
        }
        Setup {
            tcp,
            link,
            loss: params.loss.unwrap_or(0.0),
        }
    }
}

/// A running lesson: the simulation, what it recorded, the sockets whose events we follow.
pub struct Run {
    pub sim: Sim,
    frames: Frames,
    pub events: Vec<TraceEvent>,
    pub watched: Vec<(Host, SocketHandle)>,
    /// Each host's (time, cwnd, ssthresh) as the stack reported them.
    pub cwnd: Vec<(Host, u64, usize, usize)>,
    pub loss_from_a: Rc<RefCell<LossPlan>>,
    pub loss_from_b: Rc<RefCell<LossPlan>>,
    /// One-way delay of the link.
    pub delay: Duration,
}

impl Run {
    pub fn new(setup: Setup, params: &Params) -> Run {
        let frames: Frames = Rc::new(RefCell::new(Vec::new()));
        let mut isn_secret = [0u8; 16];
        for (i, byte) in isn_secret.iter_mut().enumerate() {
            *byte = (params.seed.rotate_left(8 * i as u32) as u8) ^ (i as u8).wrapping_mul(37);
        }
        let host = |mac, ip, salt: u8| {
            let mut c = InterfaceConfig::new(mac, ip, 24);
            c.tcp = setup.tcp.clone();
            c.tcp.isn_secret = isn_secret;
            c.tcp.isn_secret[0] ^= salt;
            Interface::new(c)
        };
        let a = host(MAC_A, ADDR_A, 1);
        let b = host(MAC_B, ADDR_B, 2);
        let faults = Faults {
            loss: setup.loss,
            ..Faults::default()
        };
        let loss_from_a = Rc::new(RefCell::new(LossPlan::default()));
        let loss_from_b = Rc::new(RefCell::new(LossPlan::default()));
        let direction = |from: Host, seed: u64, plan: Rc<RefCell<LossPlan>>| -> Box<dyn Medium> {
            Box::new(Recorder {
                inner: FaultInjector::new(Link::new(setup.link.clone()), faults.clone(), seed),
                from,
                frames: frames.clone(),
                plan,
                note: None,
            })
        };
        let seed = params.seed;
        let a_to_b = direction(
            Host::A,
            seed.wrapping_mul(2).wrapping_add(1),
            loss_from_a.clone(),
        );
        let b_to_a = direction(
            Host::B,
            seed.wrapping_mul(2).wrapping_add(2),
            loss_from_b.clone(),
        );
        Run {
            sim: Sim::new(a, b, a_to_b, b_to_a),
            frames,
            events: Vec::new(),
            watched: Vec::new(),
            cwnd: Vec::new(),
            loss_from_a,
            loss_from_b,
            delay: setup.link.delay,
        }
    }

    /// Long enough for a question and its answer, ARP included: two round trips and a
    /// margin for serialisation on a slow link.
    pub fn exchange_time(&self) -> Duration {
        self.delay * 4 + Duration::from_millis(100)
    }

    /// Makes the link lose the `ordinal`-th data frame (from 0) that `host` sends.
    pub fn lose_data_frame(&self, host: Host, ordinal: usize) {
        let plan = match host {
            Host::A => &self.loss_from_a,
            Host::B => &self.loss_from_b,
        };
        plan.borrow_mut().lose.push(ordinal);
    }

    /// Data frames `host` has sent so far.
    pub fn data_frames_sent(&self, host: Host) -> usize {
        match host {
            Host::A => self.loss_from_a.borrow().data_frames,
            Host::B => self.loss_from_b.borrow().data_frames,
        }
    }

    pub fn watch(&mut self, host: Host, handle: SocketHandle) {
        if !self.watched.contains(&(host, handle)) {
            self.watched.push((host, handle));
        }
    }

    /// Runs the simulation for at most `limit` of virtual time; `app` plays the
    /// applications (it may return sockets to watch). Returns whether `app` said done.
    pub fn run(
        &mut self,
        limit: Duration,
        mut app: impl FnMut(&mut Sim, &mut Vec<(Host, SocketHandle)>) -> bool,
    ) -> bool {
        let deadline = self.sim.now + limit;
        let Run {
            sim,
            events,
            watched,
            cwnd,
            ..
        } = self;
        sim.run_until(deadline, |sim| {
            let done = app(sim, watched);
            collect(sim, watched, events, cwnd);
            done
        })
    }

    /// Lets time pass (timers fire, frames cross) without the applications doing anything.
    pub fn idle(&mut self, duration: Duration) {
        self.run(duration, |_, _| false);
    }

    /// Cuts the trace into steps and narrates each.
    pub fn into_steps(mut self) -> Vec<Step> {
        let Run {
            sim,
            events,
            watched,
            cwnd,
            ..
        } = &mut self;
        collect(sim, watched, events, cwnd);
        let frames = self.frames.borrow().clone();
        build_steps(frames, std::mem::take(&mut self.events))
    }
}

fn collect(
    sim: &mut Sim,
    watched: &[(Host, SocketHandle)],
    events: &mut Vec<TraceEvent>,
    cwnd: &mut Vec<(Host, u64, usize, usize)>,
) {
    let now = sim.now.total_micros();
    for (host, iface) in [(Host::A, &mut sim.a), (Host::B, &mut sim.b)] {
        while let Some(event) = iface.poll_event() {
            events.push(TraceEvent {
                micros: now,
                host,
                text: narrate::iface_event(&event),
                tcp: None,
                endpoints: None,
                iface: Some(event),
            });
        }
        for &(owner, handle) in watched {
            if owner != host {
                continue;
            }
            let Some(connection) = iface.tcp(handle) else {
                continue;
            };
            let endpoints = (connection.local(), connection.remote());
            while let Some((at, event)) = connection.poll_timed_event() {
                if matches!(event, Event::SegmentReceived { .. }) {
                    continue;
                }
                if let Event::CongestionChanged {
                    cwnd: c, ssthresh, ..
                } = &event
                {
                    let (c, ssthresh) = (*c, *ssthresh);
                    cwnd.push((host, at.total_micros(), c, ssthresh));
                }
                events.push(TraceEvent {
                    micros: at.total_micros(),
                    host,
                    text: event.to_string(),
                    tcp: Some(event),
                    endpoints: Some(endpoints),
                    iface: None,
                });
            }
        }
    }
}

/// One step per frame; the events up to a frame's time go with it, and the `SegmentSent`
/// event that made a TCP frame (matched in order, per host) tells why it was sent. Events
/// after the last frame make a final step of their own.
fn build_steps(frames: Vec<TraceFrame>, mut events: Vec<TraceEvent>) -> Vec<Step> {
    // Stable: events of one instant keep the order in which the stacks reported them.
    events.sort_by_key(|e| e.micros);
    let (sent, others): (Vec<TraceEvent>, Vec<TraceEvent>) = events
        .into_iter()
        .partition(|e| matches!(e.tcp, Some(Event::SegmentSent { .. })));
    let sent_by = |host: Host| {
        sent.iter()
            .filter(move |e| e.host == host)
            .cloned()
            .collect::<std::collections::VecDeque<_>>()
    };
    let mut sent_a = sent_by(Host::A);
    let mut sent_b = sent_by(Host::B);
    let mut others = others.into_iter().peekable();
    let mut steps = Vec::new();
    let mut phase = [""; 2];
    // For each frame: whether a later frame of the same instant comes from A, from B. A
    // host's events of that instant wait for its own frame, so that when both send at once
    // (a simultaneous close) each frame carries its sender's state changes.
    let mut later_from = vec![[false; 2]; frames.len()];
    for i in (0..frames.len()).rev() {
        if let (Some(next), Some(this)) = (frames.get(i + 1), frames.get(i)) {
            if next.micros == this.micros {
                let mut later = later_from.get(i + 1).copied().unwrap_or_default();
                later[usize::from(next.from == Host::B)] = true;
                if let Some(slot) = later_from.get_mut(i) {
                    *slot = later;
                }
            }
        }
    }
    let mut held: Vec<TraceEvent> = Vec::new();
    for (frame, later) in frames.into_iter().zip(later_from) {
        // Events at instants when no frame is sent (a timer, the arrival of a last ACK)
        // make steps of their own.
        // Events with nothing to tell (a new RTT estimate, a window) wait for the next frame.
        let mut mine = Vec::new();
        while let Some(first) = others.next_if(|e| e.micros < frame.micros) {
            let instant = first.micros;
            let mut alone = vec![first];
            while let Some(e) = others.next_if(|e| e.micros == instant) {
                alone.push(e);
            }
            if !worth_a_step(&alone, &phase) {
                mine.extend(alone);
                continue;
            }
            mine.extend(alone);
            steps.push(Step {
                micros: instant,
                frames: Vec::new(),
                narration: narrate::events_only(&phase_changes(&mine, &mut phase)),
                events: std::mem::take(&mut mine),
            });
        }
        while let Some(e) = others.next_if(|e| e.micros <= frame.micros) {
            held.push(e);
        }
        let (now, wait): (Vec<TraceEvent>, Vec<TraceEvent>) = held
            .drain(..)
            .partition(|e| e.host == frame.from || !later[usize::from(e.host == Host::B)]);
        mine.extend(now);
        held = wait;
        let queue = match frame.from {
            Host::A => &mut sent_a,
            Host::B => &mut sent_b,
        };
        let why = narrate::matching_segment(&frame.bytes, queue);
        let narration = narrate::step(&frame, why.as_ref(), &phase_changes(&mine, &mut phase));
        if let Some(why) = why {
            mine.push(why);
        }
        steps.push(Step {
            micros: frame.micros,
            frames: vec![frame],
            events: mine,
            narration,
        });
    }
    let mut others = held.into_iter().chain(others).peekable();
    while let Some(first) = others.next() {
        let instant = first.micros;
        let mut alone = vec![first];
        while let Some(e) = others.next_if(|e| e.micros == instant) {
            alone.push(e);
        }
        steps.push(Step {
            micros: instant,
            frames: Vec::new(),
            narration: narrate::events_only(&phase_changes(&alone, &mut phase)),
            events: alone,
        });
    }
    steps
}

/// The events worth a sentence: all but the congestion-window changes that stay in the same
/// phase (slow start, congestion avoidance...) as the host's previous one.
fn phase_changes(events: &[TraceEvent], phase: &mut [&'static str; 2]) -> Vec<TraceEvent> {
    events
        .iter()
        .filter(|e| match &e.tcp {
            Some(Event::CongestionChanged { why, .. }) => {
                let last = &mut phase[usize::from(e.host == Host::B)];
                let changed = *last != *why;
                *last = why;
                changed
            }
            _ => true,
        })
        .cloned()
        .collect()
}

/// Whether the events of an instant without frames deserve a step: a state change, an
/// error, an interface event, a new congestion phase.
fn worth_a_step(events: &[TraceEvent], phase: &[&'static str; 2]) -> bool {
    events.iter().any(|e| match &e.tcp {
        None => true,
        Some(Event::StateChanged { .. } | Event::Error(_)) => true,
        Some(Event::CongestionChanged { why, .. }) => phase[usize::from(e.host == Host::B)] != *why,
        Some(_) => false,
    })
}
