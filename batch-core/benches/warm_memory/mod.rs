//! Peak memory as a warm Lambda instance sees it (DESIGN §7): the process has already handled
//! an invocation, so the code the path runs is resident before the measured call, as it is in
//! a warm instance, and only what the call itself holds counts.

/// The event cut to its first `keep` records: those of its first array of objects
/// (`Records`, or Kafka's first partition), every bracket still open then closed. The events
/// are valid JSON; the cut is found by following strings and depth, so that it allocates
/// nothing near the event's size.
pub fn first_records(event: &[u8], keep: usize) -> Vec<u8> {
    let mut open = Vec::new();
    let mut records_depth = None;
    let mut kept = 0;
    let mut in_string = false;
    let mut escaped = false;
    for (at, &byte) in event.iter().enumerate() {
        if in_string {
            match (escaped, byte) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'{' | b'[' => {
                if byte == b'{' && records_depth.is_none() && open.last() == Some(&b'[') {
                    records_depth = Some(open.len());
                }
                open.push(byte);
            }
            b'}' | b']' => {
                open.pop();
                if records_depth == Some(open.len()) && byte == b'}' {
                    kept += 1;
                    if kept == keep {
                        let mut cut = event[..=at].to_vec();
                        cut.extend(
                            open.iter()
                                .rev()
                                .map(|&b| if b == b'{' { b'}' } else { b']' }),
                        );
                        return cut;
                    }
                }
            }
            _ => {}
        }
    }
    event.to_vec()
}

/// This process's resident memory now and at its peak since the last [`reset_peak`], in KiB.
pub fn resident_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").expect("Linux /proc");
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.trim().trim_end_matches(" kB").parse().ok())
            .expect("VmRSS and VmHWM in /proc/self/status")
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Makes the peak resident memory start again from the current one (Linux 4.0 and later).
pub fn reset_peak() {
    std::fs::write("/proc/self/clear_refs", "5").expect("/proc/self/clear_refs");
}
