//! Below and beside TCP: UDP datagrams, ARP and ICMP echo.

use crate::narrate;
use crate::run::{Run, Setup};
use crate::{Host, Lesson, Params, Step};
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
    let steps = run.into_steps();
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
        summary: udp_summary(&DatagramCount::of(questions, answers, &steps)),
        steps,
    }
}

/// What became of the questions of the udp lesson, counted from its trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct DatagramCount {
    questions: usize,
    answers: usize,
    questions_lost: usize,
    answers_lost: usize,
    /// Questions still waiting in A's ARP queue (or dropped from it) when the lesson ended:
    /// the link had lost the ARP request for B or its reply.
    never_sent: usize,
    /// Questions neither answered nor lost: the answer was still on its way at the end.
    unfinished: usize,
}

impl DatagramCount {
    fn of(questions: usize, answers: usize, steps: &[Step]) -> DatagramCount {
        let datagrams = || {
            steps
                .iter()
                .flat_map(|s| &s.frames)
                .filter(|f| narrate::carries_data(&f.bytes))
        };
        let sent_by = |host: Host| datagrams().filter(|f| f.from == host).count();
        let lost_by = |host: Host| {
            datagrams()
                .filter(|f| f.from == host && f.fate == Some("lost"))
                .count()
        };
        let (questions_lost, answers_lost) = (lost_by(Host::A), lost_by(Host::B));
        let never_sent = questions.saturating_sub(sent_by(Host::A));
        DatagramCount {
            questions,
            answers,
            questions_lost,
            answers_lost,
            never_sent,
            unfinished: questions
                .saturating_sub(answers + questions_lost + answers_lost + never_sent),
        }
    }
}

/// "2 questions", "1 answer".
fn how_many(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

fn udp_summary(count: &DatagramCount) -> String {
    let DatagramCount {
        questions,
        answers,
        questions_lost,
        answers_lost,
        never_sent,
        unfinished,
    } = *count;
    let mut summary = format!(
        "{answers} of {questions} questions were answered. UDP kept the message boundaries \
         (each datagram arrived whole or not at all)"
    );
    let lost = questions_lost + answers_lost;
    let which: Vec<String> = [(questions_lost, "question"), (answers_lost, "answer")]
        .into_iter()
        .filter(|&(n, _)| n > 0)
        .map(|(n, noun)| how_many(n, noun))
        .collect();
    match lost {
        0 if never_sent == 0 => summary.push_str("; this time the link lost none."),
        0 => summary.push('.'),
        1 if questions_lost == 1 => {
            summary.push_str(" but gave no word about the one lost, a question.")
        }
        1 => summary.push_str(" but gave no word about the one lost, an answer."),
        _ => summary.push_str(&format!(
            " but gave no word about the {lost} lost: {}.",
            which.join(" and ")
        )),
    }
    if never_sent > 0 {
        summary.push_str(&format!(
            " {} never left A, waiting for B's Ethernet address: the link lost the ARP \
             request or its reply, and A's application was not told \
             (RFC 1122 §2.3.2.2).",
            how_many(never_sent, "question")
        ));
    }
    if unfinished > 0 {
        summary.push_str(&format!(
            " {} still on the way when the lesson ended.",
            if unfinished == 1 {
                "1 answer was".to_string()
            } else {
                format!("{unfinished} answers were")
            }
        ));
    }
    summary
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

#[cfg(test)]
mod tests {
    use super::*;

    fn count(answers: usize, questions_lost: usize, answers_lost: usize) -> DatagramCount {
        DatagramCount {
            questions: 5,
            answers,
            questions_lost,
            answers_lost,
            never_sent: 0,
            unfinished: 0,
        }
    }

    #[test]
    fn one_lost_question_is_the_one_lost() {
        assert!(udp_summary(&count(4, 1, 0))
            .ends_with("but gave no word about the one lost, a question."));
    }

    #[test]
    fn one_lost_answer_is_named_an_answer() {
        assert!(udp_summary(&count(4, 0, 1))
            .ends_with("but gave no word about the one lost, an answer."));
    }

    #[test]
    fn several_losses_are_counted_and_split_into_questions_and_answers() {
        let summary = udp_summary(&count(1, 2, 2));
        assert!(summary.starts_with("1 of 5 questions were answered."));
        assert!(summary.ends_with("but gave no word about the 4 lost: 2 questions and 2 answers."));
        assert!(udp_summary(&count(2, 3, 0)).ends_with("about the 3 lost: 3 questions."));
        assert!(
            udp_summary(&count(3, 1, 1)).ends_with("about the 2 lost: 1 question and 1 answer.")
        );
    }

    #[test]
    fn a_clean_run_says_nothing_was_lost() {
        assert!(udp_summary(&count(5, 0, 0)).ends_with("; this time the link lost none."));
    }

    #[test]
    fn questions_stuck_behind_arp_are_counted_apart_from_the_losses() {
        let stuck = DatagramCount {
            never_sent: 3,
            ..count(1, 1, 0)
        };
        let summary = udp_summary(&stuck);
        assert!(summary.contains("about the one lost, a question. 3 questions never left A"));
        let late = DatagramCount {
            unfinished: 1,
            ..count(4, 0, 0)
        };
        assert!(
            udp_summary(&late).ends_with(" 1 answer was still on the way when the lesson ended.")
        );
    }

    #[test]
    fn the_counts_come_from_the_frames_of_the_trace() {
        let params = Params {
            seed: 4,
            loss: Some(0.3),
            ..Params::default()
        };
        let lesson = udp(&params);
        let count = DatagramCount::of(5, 1, &lesson.steps);
        assert_eq!(
            (
                count.questions_lost,
                count.answers_lost,
                count.never_sent,
                count.unfinished
            ),
            (2, 2, 0, 0)
        );
    }
}
