//! The app's frames on the 100k-needs store, headless (`gridbook::bench::Headless`: the real
//! app in an `egui::Context` with no window; a frame is layout plus tessellation, the CPU work
//! before the GPU): frame time while scrolling the needs list and while filtering it, whether
//! the app asks to be redrawn when nothing happens, and, in a fresh process, the time from start
//! to the first frame that shows needs.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use gridbook::bench::Headless;
use gridbook_tests::report::{Report, Target, median, ms, percentile};

/// A tablet's screen.
const WIDTH: f32 = 1024.0;
const HEIGHT: f32 = 768.0;

/// Frames until the worker has answered and the list shows needs; the time that took.
fn until_shown(app: &mut Headless, within: Duration) -> Result<Duration> {
    let start = Instant::now();
    loop {
        app.frame(Vec::new());
        if !app.busy() && app.needs_shown().1 > 0 {
            // One more frame draws what arrived.
            app.frame(Vec::new());
            return Ok(start.elapsed());
        }
        if start.elapsed() > within {
            bail!("the app showed no needs within {within:?}");
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// The in-process figures.
pub(crate) fn bench_gui(report: &mut Report, data: &Path) -> Result<()> {
    eprintln!("gui: frames on the needs list, headless…");
    let mut app = Headless::open(
        data.to_path_buf(),
        gridbook_tests::bench_passphrase(),
        WIDTH,
        HEIGHT,
    );
    until_shown(&mut app, Duration::from_secs(60))?;
    let (_, total) = app.needs_shown();
    report.info("gui.needs", total as f64, "needs");
    // Warm the font atlas and the table's layout caches, as the first seconds of use do.
    for _ in 0..30 {
        let events = app.scroll(3.0);
        app.frame(events);
    }

    let mut scrolling = Vec::new();
    let mut vertices = 0;
    for i in 0..400 {
        // Down for a while, then back up, three lines a frame.
        let lines = if i < 200 { 3.0 } else { -3.0 };
        let events = app.scroll(lines);
        let start = Instant::now();
        let frame = app.frame(events);
        scrolling.push(ms(start.elapsed()));
        vertices = vertices.max(frame.vertices);
    }
    scrolling.sort_by(f64::total_cmp);
    report.info("gui.scroll_frame.p50", median(&scrolling), "ms");
    report.check(
        "gui.scroll_frame.p99",
        percentile(&scrolling, 99.0),
        "ms",
        Target::AtMost(8.0),
    );
    report.info("gui.frame_vertices", vertices as f64, "vertices");

    // Filtering: the worker filters 100k rows while frames go on; every frame is timed.
    let mut filtering = Vec::new();
    let mut answers = Vec::new();
    for word in ["老人", "楼道灯", "停车", "维修", ""] {
        app.search(word);
        let start = Instant::now();
        loop {
            let t = Instant::now();
            app.frame(Vec::new());
            filtering.push(ms(t.elapsed()));
            if !app.busy() {
                break;
            }
            if start.elapsed() > Duration::from_secs(30) {
                bail!("filtering by {word:?} took over 30 s");
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        answers.push(ms(start.elapsed()));
        app.frame(Vec::new());
    }
    filtering.sort_by(f64::total_cmp);
    report.check(
        "gui.filter_frame.p99",
        percentile(&filtering, 99.0),
        "ms",
        Target::AtMost(8.0),
    );
    report.info("gui.filter_answer.median", median(&answers), "ms");

    // Every page of the navigation bar on this store: each opened, its answers waited for,
    // then its frames timed as a person reads it (no input).
    let mut pages = Vec::new();
    for page in app.page_ids() {
        app.show_page(page);
        let start = Instant::now();
        while app.busy() && start.elapsed() < Duration::from_secs(60) {
            app.frame(Vec::new());
            std::thread::sleep(Duration::from_millis(2));
        }
        let mut frames = Vec::new();
        for _ in 0..40 {
            let t = Instant::now();
            app.frame(Vec::new());
            frames.push(ms(t.elapsed()));
        }
        frames.sort_by(f64::total_cmp);
        report.info(
            &format!("gui.page_frame.{page}.p99"),
            percentile(&frames, 99.0),
            "ms",
        );
        pages.extend(frames);
    }
    pages.sort_by(f64::total_cmp);
    report.check(
        "gui.page_frame.p99",
        percentile(&pages, 99.0),
        "ms",
        Target::AtMost(8.0),
    );
    app.show_page("needs");
    app.frame(Vec::new());

    // Idle: with no input and nothing arriving, the app stops asking to be drawn once the
    // last hover animation has ended (egui repaints only on input or events).
    let mut until_idle = None;
    let mut causes = Vec::new();
    for i in 1..=120 {
        let frame = app.frame(Vec::new());
        if frame.repaint_after.is_none() {
            until_idle = Some(i);
            break;
        }
        causes = frame.repaint_causes;
    }
    if until_idle.is_none() {
        eprintln!("gui: still asking to be redrawn after 2 s with no input: {causes:?}");
    }
    // 120 frames (2 s) means it never went idle: a figure to fix, shown as one.
    report.check(
        "gui.frames_until_idle",
        f64::from(until_idle.unwrap_or(120)),
        "frames",
        Target::AtMost(60.0),
    );
    Ok(())
}

/// In a fresh process: from here (the start of the child's `main`) to the first frame that
/// shows needs, in milliseconds.
pub(crate) fn first_frame_ms(data: &Path) -> Result<f64> {
    let start = Instant::now();
    let mut app = Headless::open(
        data.to_path_buf(),
        gridbook_tests::bench_passphrase(),
        WIDTH,
        HEIGHT,
    );
    until_shown(&mut app, Duration::from_secs(60))?;
    Ok(ms(start.elapsed()))
}
