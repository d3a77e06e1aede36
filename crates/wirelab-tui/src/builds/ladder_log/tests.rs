use super::*;
use std::net::{IpAddr, Ipv4Addr};
use wirelab_analyze::ladder::{render_text, Endpoint};

fn arrow(frame: u64, micros: i128, from: usize, label: &str) -> Arrow {
    Arrow {
        frame,
        time: Timestamp::from_nanos(micros * 1000),
        from,
        to: 1 - from,
        transport: Transport::Tcp { stream: 1 },
        label: label.to_string(),
        badges: Vec::new(),
        from_state: None,
        to_state: None,
        gap_before: false,
    }
}

/// A handshake, then 300 data segments and their ACKs, one marked, then a FIN.
fn long_ladder() -> Ladder {
    let endpoint = |last: u8, port: u16| Endpoint {
        addr: IpAddr::V4(Ipv4Addr::new(10, 99, 0, last)),
        port,
    };
    let mut arrows = vec![
        Arrow {
            from_state: Some("SYN-SENT".into()),
            to_state: Some("SYN-RECEIVED".into()),
            ..arrow(3, 0, 0, "SYN Seq=0 Win=64240")
        },
        Arrow {
            from_state: Some("ESTABLISHED".into()),
            ..arrow(4, 45, 1, "SYN ACK Seq=0 Ack=1 Win=65160")
        },
    ];
    for i in 0..300u64 {
        let seq = 1 + 1448 * i;
        let micros = 100 + 10 * i128::from(i);
        let data = format!("ACK Seq={seq} Ack=1 Len=1448 Win=502");
        arrows.push(arrow(5 + 2 * i, micros, 0, &data));
        let label = format!("ACK Seq=1 Ack={} Len=0 Win=0501", seq + 1448);
        let mut ack = arrow(6 + 2 * i, micros + 5, 1, &label);
        if i == 150 {
            ack.badges = vec!["DUP ACK #2".into(), "ZERO WIN".into()];
            ack.gap_before = true;
        }
        arrows.push(ack);
    }
    arrows.push(Arrow {
        from_state: Some("FIN-WAIT-1".into()),
        to_state: Some("CLOSE-WAIT".into()),
        ..arrow(700, 9_000_000, 0, "FIN ACK Seq=434401 Ack=1 Len=0 Win=502")
    });
    Ladder {
        endpoints: vec![endpoint(1, 40080), endpoint(2, 5201)],
        arrows,
        stream: Some(1),
        tcp_streams: 2,
        ..Ladder::default()
    }
}

fn compact(ladder: &Ladder) -> Arc<CompactLadder> {
    let mut compact = CompactLadder {
        ladder: Ladder {
            arrows: Vec::new(),
            ..ladder.clone()
        },
        ..CompactLadder::default()
    };
    ladder.arrows.iter().for_each(|a| compact.add(a));
    compact.arrows.shrink();
    Arc::new(compact)
}

#[test]
fn arrows_read_back_from_the_log_are_the_arrows_put_in() {
    let ladder = long_ladder();
    let compact = compact(&ladder);
    let read: Vec<Arrow> = compact.arrows.arrows_from(0).collect();
    assert_eq!(read, ladder.arrows);
    let from_third_block: Vec<Arrow> = compact.arrows.arrows_from(2).collect();
    assert_eq!(from_third_block, ladder.arrows[2 * BLOCK..]);
}

#[test]
fn a_data_segment_takes_a_few_bytes_of_the_log() {
    let compact = compact(&long_ladder());
    // Shape, frame, time and four numbers: about ten bytes, where an Arrow takes hundreds.
    let per_arrow = compact.arrows.bytes.len() / compact.arrows.len();
    assert!(per_arrow <= 12, "{per_arrow} bytes an arrow");
}

#[test]
fn a_number_with_a_leading_zero_or_too_big_stays_in_the_text() {
    let text = "Win=0501 Len=0 Seq=18446744073709551616";
    let mut numbers = Vec::new();
    let template = Template::split(text, &mut numbers);
    assert_eq!(numbers, vec![0]);
    assert_eq!(template.fill(&mut numbers.into_iter()), text);
}

#[test]
fn any_run_of_lines_is_the_same_as_in_the_whole_text() {
    let ladder = long_ladder();
    let style = TextStyle {
        width: 90,
        ascii: false,
    };
    let whole = render_text(&ladder, "TCP stream 1", style).unwrap();
    let whole: Vec<&str> = whole.lines().collect();
    let lines = LadderLines::new(compact(&ladder), "TCP stream 1", style).unwrap();
    assert_eq!(lines.len(), whole.len());
    let runs = [
        (0, 5),
        (3, 40),
        (250, 60),
        (whole.len() - 10, 60),
        (0, usize::MAX),
    ];
    for (start, count) in runs {
        let end = start.saturating_add(count).min(whole.len());
        assert_eq!(
            lines.lines(start, count),
            whole[start..end],
            "{start}+{count}"
        );
    }
}

#[test]
fn each_frame_s_arrow_line_starts_with_its_number() {
    let ladder = long_ladder();
    let style = TextStyle {
        width: 60,
        ascii: false,
    };
    let lines = LadderLines::new(compact(&ladder), "TCP stream 1", style).unwrap();
    for frame in [3, 4, 5, 306, 603, 604, 700] {
        let at = lines.arrow_line(frame).unwrap();
        let line = lines.lines(at, 1).concat();
        let starts = line.trim_start().starts_with(&format!("{frame} "));
        assert!(starts, "{frame}: {line}");
    }
    assert_eq!(lines.arrow_line(2), None);
    assert_eq!(lines.arrow_line(605), None);
}

#[test]
fn a_ladder_too_narrow_says_how_wide_it_must_be() {
    let style = TextStyle {
        width: 20,
        ascii: false,
    };
    let error = LadderLines::new(compact(&long_ladder()), "t", style).err();
    let error = error.unwrap_or_default();
    assert!(error.contains("too narrow"), "{error}");
}
