//! How tshark is run: one run per file, with fixed preferences, in a configuration directory
//! of its own in which every protocol wirelab does not dissect is disabled.
//! tests/oracle/README.md gives the reason for each choice.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The protocols tshark keeps: those wirelab dissects (issue 2), in tshark's names, and the
/// pseudo-protocols every dissection needs (`frame`, `data`, the `_ws.*` internals such as
/// `_ws.malformed`). Everything else `tshark -G protocols` lists is disabled, so that tshark
/// stops where wirelab stops: a GRE, VXLAN or PPP payload is `data` on both sides, while the
/// outer headers are still compared.
pub const KEPT_PROTOCOLS: &[&str] = &[
    "frame",
    "data",
    "eth",
    "ethertype",
    "vlan",
    // tshark dissects an 802.1ad service tag (EtherType 0x88a8) with its own protocol, whose
    // VLAN identifier is `ieee8021ad.id`, not `vlan.id`; wirelab dissects the tag too.
    "ieee8021ad",
    "arp",
    "sll",
    "null",
    "raw",
    "ip",
    "ipv6",
    "ipv6.hopopts",
    "ipv6.routing",
    "ipv6.fraghdr",
    "ipv6.dstopts",
    "icmp",
    "icmpv6",
    "udp",
    "tcp",
];

/// Preferences given with `-o`, each pinned even where it is tshark's default, so that a
/// change of default cannot change the oracle.
pub const PREFERENCES: &[&str] = &[
    // wirelab does not reassemble IP fragments (issue 2): every fragment is dissected alone.
    "ip.defragment:FALSE",
    "ipv6.defragment:FALSE",
    // wirelab does not reassemble TCP streams; no protocol above TCP is enabled anyway.
    "tcp.desegment_tcp_streams:FALSE",
    // Relative sequence numbers (tcp.seq, tcp.ack, tcp.nxtseq, the SACK edges) and the window
    // scale tracking need tshark's sequence analysis: both are tshark's defaults.
    "tcp.analyze_sequence_numbers:TRUE",
    "tcp.relative_sequence_numbers:TRUE",
    // IPv4 total length 0 means "TCP segmentation offload: use the captured length" (tshark's
    // default); IPv6 payload length 0 is not treated so (tshark's default).
    "ip.tso_support:TRUE",
    "ipv6.tso_support:FALSE",
];

/// The tshark to run: `TSHARK` if set, else `tshark` on the PATH; `None` when it does not run.
pub fn find() -> Option<(PathBuf, String)> {
    let program = std::env::var_os("TSHARK")
        .map(PathBuf::from)
        .unwrap_or_else(|| "tshark".into());
    let out = Command::new(&program).arg("--version").output().ok()?;
    let version = String::from_utf8_lossy(&out.stdout)
        .lines()
        .next()?
        .trim()
        .to_string();
    out.status.success().then_some((program, version))
}

/// Create `dir` as tshark's personal configuration directory (`WIRESHARK_CONFIG_DIR`): no
/// preferences file, so the user's own preferences cannot leak in, and a `disabled_protos`
/// file naming every protocol outside [`KEPT_PROTOCOLS`]. Returns how many were disabled.
pub fn prepare_config(tshark: &Path, dir: &Path) -> Result<usize, String> {
    let out = Command::new(tshark)
        .args(["-G", "protocols"])
        .env("WIRESHARK_CONFIG_DIR", dir)
        .output()
        .map_err(|e| format!("tshark -G protocols: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "tshark -G protocols failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    // Each line: full name, short name, filter name, tab-separated.
    let listed = String::from_utf8_lossy(&out.stdout);
    let disabled: Vec<&str> = listed
        .lines()
        .filter_map(|line| line.split('\t').nth(2))
        .filter(|name| !name.starts_with("_ws.") && !KEPT_PROTOCOLS.contains(name))
        .collect();
    if disabled.len() < 100 {
        return Err(format!(
            "tshark -G protocols listed only {} protocols to disable",
            disabled.len()
        ));
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
    let _ = std::fs::remove_file(dir.join("preferences"));
    let mut text = disabled.join("\n");
    text.push('\n');
    std::fs::write(dir.join("disabled_protos"), text)
        .map_err(|e| format!("write disabled_protos: {e}"))?;
    Ok(disabled.len())
}

/// The tshark command for one file: the compared fields, then `frame.encap_type` and
/// `frame.protocols` for the classification, every occurrence joined with a comma.
pub fn command(tshark: &Path, config: &Path, file: &Path, fields: &[&str]) -> Command {
    let mut cmd = Command::new(tshark);
    cmd.env("WIRESHARK_CONFIG_DIR", config);
    cmd.arg("-n").arg("-r").arg(file);
    for pref in PREFERENCES {
        cmd.args(["-o", pref]);
    }
    cmd.args([
        "-T",
        "fields",
        "-E",
        "occurrence=a",
        "-E",
        "aggregator=,",
        "-E",
        "separator=/t",
    ]);
    for field in fields
        .iter()
        .chain(&["frame.encap_type", "frame.protocols"])
    {
        cmd.args(["-e", field]);
    }
    cmd
}

/// The wirelab command for one file: the same fields, the same `-E` options.
pub fn wirelab_command(wirelab: &Path, file: &Path, fields: &[&str]) -> Command {
    let mut cmd = Command::new(wirelab);
    cmd.arg("dissect").arg(file);
    cmd.args([
        "-T",
        "fields",
        "-E",
        "occurrence=a",
        "-E",
        "aggregator=,",
        "-E",
        "separator=/t",
    ]);
    for field in fields {
        cmd.args(["-e", field]);
    }
    cmd
}

/// The fields wirelab declares, from `wirelab fields` (first column, after the header line).
pub fn wirelab_fields(wirelab: &Path) -> Result<Vec<String>, String> {
    let out = Command::new(wirelab)
        .arg("fields")
        .output()
        .map_err(|e| format!("wirelab fields: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "wirelab fields failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .skip(1)
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_string)
        .collect())
}
