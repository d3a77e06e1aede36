//! Random segments thrown at connections in every state: nothing panics, and the sequence
//! variables keep their order (SND.UNA =< SND.NXT =< SND.MAX) whatever arrives.

use super::*;

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A sequence number near `base` most of the time, anywhere sometimes.
    fn seq_near(&mut self, base: SeqNumber) -> SeqNumber {
        match self.next() % 4 {
            0 => SeqNumber(self.next() as u32),
            _ => SeqNumber(
                base.0
                    .wrapping_add((self.next() % 10_000) as u32)
                    .wrapping_sub(5_000),
            ),
        }
    }
}

fn random_segment(rng: &mut XorShift, h: &Harness) -> (TcpRepr, Vec<u8>) {
    let control = match rng.next() % 8 {
        0 => Control::Syn,
        1 => Control::Fin,
        2 => Control::Rst,
        _ => Control::None,
    };
    let mut options = TcpOptions::NONE;
    if rng.next().is_multiple_of(4) {
        options.timestamps = Some((rng.next() as u32, rng.next() as u32));
    }
    if rng.next().is_multiple_of(4) {
        let left = rng.seq_near(h.c.send_sequence().una);
        options.sack_blocks[0] = Some((left, left + (rng.next() % 5000) as usize));
    }
    if control == Control::Syn {
        options.mss = Some((rng.next() % 3000) as u16);
        options.window_scale = Some((rng.next() % 20) as u8);
    }
    let repr = TcpRepr {
        seq: rng.seq_near(h.c.recv_sequence().nxt),
        ack: (!rng.next().is_multiple_of(8)).then(|| rng.seq_near(h.c.send_sequence().nxt)),
        control,
        window: rng.next() as u16,
        options,
        ..SEND_TEMPL
    };
    let len = match rng.next() % 3 {
        0 => 0,
        1 => (rng.next() % 100) as usize,
        _ => (rng.next() % 3000) as usize,
    };
    (repr, vec![0xab; len])
}

fn check_invariants(h: &Harness) {
    let snd = h.c.send_sequence();
    assert!(
        snd.una <= snd.nxt && snd.nxt <= snd.max,
        "{snd:?}\n{}",
        h.trace_text()
    );
    assert!(h.c.recv_queue() <= h.c.recv_sequence().capacity());
}

#[test]
fn random_segments_in_every_state_never_panic_or_disorder_the_send_sequence() {
    let starts: [fn() -> Harness; 4] = [
        || listen_with(config()),
        syn_sent,
        established,
        || {
            let mut h = established();
            h.c.send(&[1; 3000]);
            h.c.close();
            h
        },
    ];
    let mut rng = XorShift(0x2545_f491_4f6c_dd1d);
    for start in starts {
        for _ in 0..40 {
            let mut h = start();
            for step in 0..200u64 {
                let (repr, payload) = random_segment(&mut rng, &h);
                h.c.handle_segment(h.now, REMOTE, &repr, &payload);
                while let Some(t) = h.c.poll_transmit(h.now) {
                    assert!(t.payload.len() <= 1000, "{}", t.summary());
                }
                if step % 10 == 0 {
                    if let Some(at) = h.c.poll_timeout() {
                        h.now = at;
                        h.c.handle_timeout(at);
                    }
                }
                let mut buf = [0u8; 512];
                h.c.recv(&mut buf);
                while h.c.poll_event().is_some() {}
                check_invariants(&h);
            }
        }
    }
}
