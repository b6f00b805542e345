//! Benchmark figures: a readable table, and `<target dir>/bench/report.json`, where every figure
//! is merged by name as `{"name": {"value": x, "unit": "..."}}` (keys measured now are
//! overwritten, every other key is kept).

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{Map, Value, json};

/// What a figure should be.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target {
    /// At most this.
    AtMost(f64),
}

impl Target {
    fn met(self, value: f64) -> bool {
        match self {
            Target::AtMost(t) => value <= t,
        }
    }
}

/// One measured figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// Stable name, the key in report.json.
    pub name: String,
    /// The value, in `unit`.
    pub value: f64,
    /// `ms`, `s`, `MB`, `bytes`, `needs`…
    pub unit: String,
    /// The target, if the figure has one.
    pub target: Option<Target>,
}

/// Figures in the order they were measured.
#[derive(Debug, Default)]
pub struct Report {
    /// The figures.
    pub figures: Vec<Figure>,
    prefix: String,
}

impl Report {
    /// An empty report whose names all start with `prefix` (e.g. `quick.` for smoke runs, so
    /// they never overwrite full-scale figures).
    pub fn new(prefix: &str) -> Self {
        Report {
            figures: Vec::new(),
            prefix: prefix.to_string(),
        }
    }

    /// Records a figure with no target.
    pub fn info(&mut self, name: &str, value: f64, unit: &str) {
        self.push(name, value, unit, None);
    }

    /// Records a figure with a target.
    pub fn check(&mut self, name: &str, value: f64, unit: &str, target: Target) {
        self.push(name, value, unit, Some(target));
    }

    fn push(&mut self, name: &str, value: f64, unit: &str, target: Option<Target>) {
        let figure = Figure {
            name: format!("{}{name}", self.prefix),
            value,
            unit: unit.to_string(),
            target,
        };
        eprintln!("  {}", row(&figure));
        self.figures.push(figure);
    }

    /// The figures that missed their target.
    pub fn missed(&self) -> Vec<&Figure> {
        self.figures
            .iter()
            .filter(|f| f.target.is_some_and(|t| !t.met(f.value)))
            .collect()
    }

    /// The table, one line per figure.
    pub fn table(&self) -> String {
        let width = self.figures.iter().map(|f| f.name.len()).max().unwrap_or(4);
        let mut out = format!(
            "{:width$}  {:>14}  {:>12}  result\n",
            "figure", "measured", "target"
        );
        out.push_str(&"-".repeat(width + 38));
        out.push('\n');
        for f in &self.figures {
            out.push_str(&format!("{:width$}  {}\n", f.name, cells(f)));
        }
        out
    }

    /// Merges the figures into the JSON report at `path`: reads it if it exists (an unreadable
    /// file is replaced), overwrites the keys measured now, keeps the others, writes it back
    /// through a temporary file.
    pub fn merge_into(&self, path: &Path) -> anyhow::Result<()> {
        let mut all: Map<String, Value> = std::fs::read(path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        for f in &self.figures {
            all.insert(f.name.clone(), json!({"value": f.value, "unit": f.unit}));
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, serde_json::to_vec_pretty(&Value::Object(all))?)?;
        std::fs::rename(&tmp, path)?;
        Ok(())
    }
}

fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else if value.abs() < 10.0 {
        format!("{value:.2}")
    } else if value.abs() < 100.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.0}")
    }
}

fn cells(f: &Figure) -> String {
    let measured = format!("{} {}", number(f.value), f.unit);
    match f.target {
        Some(t @ Target::AtMost(limit)) => format!(
            "{measured:>14}  {:>12}  {}",
            format!("≤ {} {}", number(limit), f.unit),
            if t.met(f.value) { "ok" } else { "MISSED" }
        ),
        None => format!("{measured:>14}"),
    }
}

fn row(f: &Figure) -> String {
    format!("{}: {}", f.name, cells(f).trim())
}

/// Where report.json goes: `<target dir>/bench/report.json`, the target directory being
/// `CARGO_TARGET_DIR` if set, else the one this executable was built in (`…/<profile>/deps/`),
/// else the workspace's `target/`.
pub fn report_path() -> PathBuf {
    target_dir().join("bench").join("report.json")
}

fn target_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    if let Ok(exe) = std::env::current_exe()
        && let Some(deps) = exe.parent().filter(|d| d.ends_with("deps"))
        && let Some(target) = deps.parent().and_then(Path::parent)
    {
        return target.to_path_buf();
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap_or(Path::new("."))
        .join("target")
}

/// A field of `/proc/self/status` in KiB (`VmHWM` is peak resident memory, `VmRSS` current),
/// or `None` where there is no procfs.
pub fn proc_status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find_map(|line| {
        let rest = line.strip_prefix(field)?.strip_prefix(':')?;
        rest.trim().trim_end_matches("kB").trim().parse().ok()
    })
}

/// CPU time this process has used, every thread counted (exited ones too), in seconds, from
/// `/proc/self/stat` (user + system, at the kernel's usual 100 ticks a second); `None` where
/// there is no procfs. For work spread over threads, where [`CpuTimes`] sees one thread only.
pub fn process_cpu_s() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name may hold spaces; the fields after it are plain.
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(ticks as f64 / 100.0)
}

/// Time this thread spent on a CPU and waiting in the run queue for one (its CPU taken by other
/// processes), from `/proc/thread-self/schedstat`. On a shared machine, wall time minus these
/// two is time blocked on the disk; a large wait means the figure is inflated by other load.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CpuTimes {
    /// Nanoseconds on a CPU.
    pub on_cpu_ns: u64,
    /// Nanoseconds runnable but waiting for a CPU.
    pub waiting_ns: u64,
}

impl CpuTimes {
    /// Now, for this thread (zeros where there is no schedstat).
    pub fn now() -> Self {
        let text = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
        let mut fields = text
            .split_whitespace()
            .map(|f| f.parse::<u64>().unwrap_or(0));
        CpuTimes {
            on_cpu_ns: fields.next().unwrap_or(0),
            waiting_ns: fields.next().unwrap_or(0),
        }
    }

    /// What this thread used since `earlier`.
    pub fn since(self, earlier: CpuTimes) -> CpuTimes {
        CpuTimes {
            on_cpu_ns: self.on_cpu_ns.saturating_sub(earlier.on_cpu_ns),
            waiting_ns: self.waiting_ns.saturating_sub(earlier.waiting_ns),
        }
    }

    /// On-CPU time in milliseconds.
    pub fn cpu_ms(self) -> f64 {
        self.on_cpu_ns as f64 / 1e6
    }

    /// Run-queue wait in milliseconds.
    pub fn wait_ms(self) -> f64 {
        self.waiting_ns as f64 / 1e6
    }
}

/// The 1-minute load average (runnable processes), or `None` where there is no procfs.
pub fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Milliseconds, as a float.
pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The nearest-rank percentile `p` (0 to 100) of `sorted`, which is sorted ascending.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// The median of some values.
pub fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    percentile(&v, 50.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merging_overwrites_measured_keys_and_keeps_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bench/report.json");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(
            &path,
            r#"{"other": {"value": 1, "unit": "s"}, "a": {"value": 9, "unit": "ms"}}"#,
        )
        .unwrap();
        let mut r = Report::new("");
        r.check("a", 2.5, "ms", Target::AtMost(3.0));
        r.info("b", 7.0, "MB");
        r.merge_into(&path).unwrap();
        let v: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(v["other"]["value"], 1);
        assert_eq!(v["a"], json!({"value": 2.5, "unit": "ms"}));
        assert_eq!(v["b"]["unit"], "MB");
        assert!(r.missed().is_empty());
        assert!(r.table().contains("ok"));
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let v: Vec<f64> = (1..=200).map(f64::from).collect();
        assert_eq!(percentile(&v, 50.0), 100.0);
        assert_eq!(percentile(&v, 99.0), 198.0);
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
    }

    #[test]
    fn status_fields_parse() {
        if Path::new("/proc/self/status").exists() {
            assert!(proc_status_kib("VmHWM").unwrap() > 0);
        }
    }
}
