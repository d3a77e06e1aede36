//! Below and beside TCP: UDP datagrams, ARP and ICMP echo.

use crate::run::{Run, Setup};
use crate::{Host, Lesson, Params};
use std::net::{Ipv4Addr, SocketAddrV4};
use wirelab_stack::sim::ADDR_B;
use wirelab_stack::Duration;

pub fn udp(params: &Params) -> Lesson {
    let mut run = Run::new(Setup::new(params), params);
    run.sim.a.udp_bind(5000);
    run.sim.b.udp_bind(7);
    // The third question is lost on the way.
    run.lose_data_frame(Host::A, 2);
    let questions = 5;
    let mut answers = 0;
    for i in 0..questions {
        let now = run.sim.now;
        let text = format!("question {}", i + 1);
        run.sim
            .a
            .udp_send_to(now, 5000, SocketAddrV4::new(ADDR_B, 7), text.as_bytes());
        run.run(run.exchange_time(), |sim, _| {
            while let Some((from, data)) = sim.b.udp_recv_from(7) {
                let now = sim.now;
                let mut reply = b"echo: ".to_vec();
                reply.extend_from_slice(&data);
                sim.b.udp_send_to(now, 7, from, &reply);
            }
            while sim.a.udp_recv_from(5000).is_some() {
                answers += 1;
            }
            false
        });
    }
    Lesson {
        keylog: None,
        name: "udp",
        title: "UDP datagrams",
        intro: "A sends five questions from port 5000 to B's port 7, one at a time; B's \
                application echoes each. There is no handshake before the first datagram and \
                no acknowledgment after: the link loses the third question, and nobody sends \
                it again. Reliability, if an application needs it, is the application's \
                business (RFC 768, RFC 8085 §3.3)."
            .to_string(),
        steps: run.into_steps(),
        summary: format!(
            "{answers} of {questions} questions were answered. UDP kept the message \
             boundaries (each datagram arrived whole or not at all) but gave no word about \
             the one lost."
        ),
    }
}

pub fn arp_ping(params: &Params) -> Lesson {
    let mut run = Run::new(Setup::new(params), params);
    let mut replies = 0;
    for seq in 1..=3u16 {
        let now = run.sim.now;
        run.sim
            .a
            .send_ping(now, ADDR_B, 0x1234, seq, b"wirelab ping");
        let wait = run.exchange_time().max(Duration::from_millis(500));
        run.run(wait, |_, _| false);
        replies = run
            .events
            .iter()
            .filter(|e| e.host == Host::A && e.text.starts_with("echo reply"))
            .count();
    }
    // A host that is not there: ARP goes unanswered, and the ping is never sent.
    let nobody = Ipv4Addr::new(10, 0, 0, 3);
    let now = run.sim.now;
    run.sim.a.send_ping(now, nobody, 0x1234, 4, b"anyone?");
    run.idle(Duration::from_secs(5));
    Lesson {
        keylog: None,
        name: "arp-ping",
        title: "ARP and ping",
        intro: "A pings B three times. The first time, A does not know B's Ethernet address: \
                it broadcasts an ARP request and B answers (RFC 826); the later pings go at \
                once, from the cache. Then A pings 10.0.0.3, which does not exist: the ARP \
                requests go unanswered, and the packet waiting for them is dropped \
                (RFC 1122 §2.3.2.2)."
            .to_string(),
        steps: run.into_steps(),
        summary: format!(
            "{replies} of 3 pings to B were answered. The ping to 10.0.0.3 never left A: \
             without a link-layer address there is nothing to send it to."
        ),
    }
}
