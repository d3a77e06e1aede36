//! The check behind the oracle's main choice: disabling every protocol wirelab does not dissect
//! must not change a single compared cell of a frame whose layers are all wirelab's.
//!
//! tshark runs twice per file, once as the oracle runs it and once with all its protocols
//! enabled (same preferences, an empty configuration directory). On every frame where the
//! unrestricted chain reaches a protocol with compared fields only through wirelab's protocols,
//! the two outputs must agree cell for cell. The other frames are counted by the protocol that
//! hides the inner layers from wirelab (GRE, PPP, VXLAN, …): the frames a comparison with
//! unrestricted tshark would have had to skip whole.

use crate::compare::{ask_tshark, Setup};
use crate::fields::carries_fields;
use crate::tshark::KEPT_PROTOCOLS;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

/// What the two runs of tshark say, over all files.
#[derive(Default)]
pub struct Verdict {
    /// Frames whose cells were compared, and the differences found.
    pub compared: u64,
    pub differences: Vec<String>,
    /// Frames hidden behind a protocol wirelab does not dissect: protocol -> (frames, files).
    pub hidden: BTreeMap<String, (u64, u64)>,
}

/// The first protocol of an unrestricted chain that wirelab does not dissect and that has a
/// protocol with compared fields after it.
fn hiding_protocol<'a>(chain: &'a str, fields: &[&str]) -> Option<&'a str> {
    let layers: Vec<&str> = chain.split(':').filter(|p| !p.is_empty()).collect();
    let first_foreign = layers
        .iter()
        .position(|p| !KEPT_PROTOCOLS.contains(p) && !p.starts_with("_ws."))?;
    layers[first_foreign + 1..]
        .iter()
        .any(|p| carries_fields(p, fields))
        .then_some(layers[first_foreign])
}

/// Compare restricted and unrestricted tshark on one file. `open_config` is an empty
/// configuration directory (no disabled protocols, no preferences).
pub fn check_file(setup: &Setup, path: &Path, name: &str, open_config: &Path) -> Verdict {
    let mut verdict = Verdict::default();
    let Some((program, restricted_config)) = &setup.tshark else {
        return verdict;
    };
    let answers = ask_tshark(setup, program, restricted_config, path)
        .and_then(|r| Ok((r, ask_tshark(setup, program, open_config, path)?)));
    let (restricted, open) = match answers {
        Ok(answers) => answers,
        Err(e) => {
            verdict
                .differences
                .push(format!("{name}: tshark did not run: {e}"));
            return verdict;
        }
    };
    let r_lines: Vec<&str> = restricted.stdout.lines().collect();
    let o_lines: Vec<&str> = open.stdout.lines().collect();
    if r_lines.len() != o_lines.len() || restricted.exit != open.exit {
        verdict.differences.push(format!(
            "{name}: {} frames (exit {:?}) restricted, {} frames (exit {:?}) open",
            r_lines.len(),
            restricted.exit,
            o_lines.len(),
            open.exit
        ));
    }
    for (r, o) in r_lines.iter().zip(&o_lines) {
        let (r, o): (Vec<&str>, Vec<&str>) = (r.split('\t').collect(), o.split('\t').collect());
        let chain = o.last().copied().unwrap_or("");
        if let Some(protocol) = hiding_protocol(chain, &setup.fields) {
            verdict
                .hidden
                .entry(protocol.to_string())
                .or_insert((0, 1))
                .0 += 1;
            continue;
        }
        verdict.compared += 1;
        // Every compared field, and frame.encap_type; not frame.protocols, which differs by
        // design (`udp:dns` against `udp:data`).
        for (i, field) in setup.fields.iter().chain(&["frame.encap_type"]).enumerate() {
            let (a, b) = (
                r.get(i).copied().unwrap_or(""),
                o.get(i).copied().unwrap_or(""),
            );
            if a != b {
                let frame = o.first().copied().unwrap_or("?");
                verdict.differences.push(format!(
                    "{name} frame {frame} {field}: restricted {a:?}, open {b:?}"
                ));
            }
        }
    }
    verdict
}

impl Verdict {
    /// Add another file's verdict to this one.
    pub fn merge(&mut self, other: Verdict) {
        self.compared += other.compared;
        self.differences.extend(other.differences);
        for (protocol, (frames, files)) in other.hidden {
            let entry = self.hidden.entry(protocol).or_default();
            entry.0 += frames;
            entry.1 += files;
        }
    }

    pub fn report(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "restricted and open tshark compared on {} frames: {} differences",
            self.compared,
            self.differences.len()
        );
        let _ = writeln!(s, "frames open tshark dissects beyond a protocol wirelab does not (outer layers compared by the oracle):");
        let mut hidden: Vec<_> = self.hidden.iter().collect();
        hidden.sort_by_key(|(_, (frames, _))| std::cmp::Reverse(*frames));
        for (protocol, (frames, files)) in hidden {
            let _ = writeln!(s, "  {protocol}: {frames} frames in {files} files");
        }
        for d in self.differences.iter().take(30) {
            let _ = writeln!(s, "  DIFFERENT {d}");
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::FIELDS;

    #[test]
    fn a_tunnel_hides_the_layers_after_it() {
        assert_eq!(
            hiding_protocol("eth:ethertype:ip:gre:ip:tcp", FIELDS),
            Some("gre")
        );
        assert_eq!(hiding_protocol("ppp:ip:udp:dns", FIELDS), Some("ppp"));
    }

    #[test]
    fn an_application_protocol_hides_nothing() {
        assert_eq!(hiding_protocol("eth:ethertype:ip:udp:dns", FIELDS), None);
        assert_eq!(
            hiding_protocol("eth:ethertype:ipv6:ipv6.hopopts:icmpv6", FIELDS),
            None
        );
    }
}
