//! The app headless, for the benchmarks in `gridbook-tests`: the real [`GridbookApp`] on a
//! store, run frame by frame in an `egui::Context` with no window. Each frame is laid out and
//! tessellated, the CPU work eframe does before it hands triangles to the GPU.

use std::path::PathBuf;
use std::time::Duration;

use egui::{Event, Modifiers, MouseWheelUnit, RawInput, TouchPhase, pos2, vec2};

use super::{GridbookApp, State};

/// What one frame did.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    /// Triangles' vertices tessellated.
    pub vertices: usize,
    /// When the app asked to be drawn again (`None`: not until the next input: idle).
    pub repaint_after: Option<Duration>,
    /// Where the requests to draw again came from (file:line), if any.
    pub repaint_causes: Vec<String>,
}

/// The app with no window.
pub struct Headless {
    ctx: egui::Context,
    app: GridbookApp,
    size: egui::Vec2,
    time: f64,
}

impl Headless {
    /// The app on the store in `data_dir`, on the needs page, in Chinese, at `width`×`height`
    /// points (the store opens on the app's worker thread, as in the real app).
    pub fn open(
        data_dir: PathBuf,
        passphrase: gridbook_model::Passphrase,
        width: f32,
        height: f32,
    ) -> Headless {
        let ctx = egui::Context::default();
        let state = State {
            page: super::pages::needs::ID.to_string(),
            ..State::default()
        };
        let app = GridbookApp::new(&ctx, data_dir, passphrase, state);
        Headless {
            ctx,
            app,
            size: vec2(width, height),
            time: 0.0,
        }
    }

    /// Runs one frame with these input events, 16 ms after the last.
    pub fn frame(&mut self, events: Vec<Event>) -> Frame {
        self.time += 1.0 / 60.0;
        let input = RawInput {
            screen_rect: Some(egui::Rect::from_min_size(pos2(0.0, 0.0), self.size)),
            time: Some(self.time),
            events,
            ..RawInput::default()
        };
        let app = &mut self.app;
        let mut output = self.ctx.run_ui(input, |ui| app.show(ui));
        // No GPU here to upload the font atlas to: the textures are dropped on purpose (egui
        // asserts, in debug builds, that nobody forgot them).
        output.textures_delta.clear();
        let repaint = output
            .viewport_output
            .get(&egui::ViewportId::ROOT)
            .map(|v| v.repaint_delay);
        let primitives = self.ctx.tessellate(output.shapes, output.pixels_per_point);
        let vertices = primitives
            .iter()
            .map(|p| match &p.primitive {
                egui::epaint::Primitive::Mesh(mesh) => mesh.vertices.len(),
                egui::epaint::Primitive::Callback(_) => 0,
            })
            .sum();
        Frame {
            vertices,
            repaint_after: repaint.filter(|d| *d < Duration::from_secs(3600)),
            repaint_causes: self
                .ctx
                .repaint_causes()
                .iter()
                .map(|c| c.to_string())
                .collect(),
        }
    }

    /// Events that scroll the needs list by `lines` (positive: down) with the pointer over it.
    pub fn scroll(&self, lines: f32) -> Vec<Event> {
        vec![
            Event::PointerMoved(pos2(self.size.x * 0.5, self.size.y * 0.6)),
            Event::MouseWheel {
                unit: MouseWheelUnit::Line,
                delta: vec2(0.0, -lines),
                phase: TouchPhase::Move,
                source: egui::MouseWheelSource::Unknown,
                modifiers: Modifiers::NONE,
            },
        ]
    }

    /// Types a search into the needs list's filter, as the search field does.
    pub fn search(&mut self, text: &str) {
        self.app.state.filter.text = text.to_string();
        self.app
            .commands
            .push(super::messages::Command::FilterNeeds(
                self.app.state.filter.clone(),
            ));
    }

    /// The ids of the pages the navigation bar lists, in its order.
    pub fn page_ids(&self) -> Vec<&'static str> {
        self.app
            .pages
            .iter()
            .filter(|p| p.title().is_some())
            .map(|p| p.id())
            .collect()
    }

    /// Shows the page `id` as a tap on it in the navigation bar does.
    pub fn show_page(&mut self, id: &str) {
        self.app.state.page = id.to_string();
        if let Some(page) = self.app.pages.iter_mut().find(|p| p.id() == id) {
            page.opened(&mut self.app.data, &mut self.app.commands);
        }
    }

    /// Whether the worker is still on a command (opening the store, filtering).
    pub fn busy(&self) -> bool {
        self.app.busy()
    }

    /// How many needs the list shows, of how many.
    pub fn needs_shown(&self) -> (usize, usize) {
        (self.app.data.shown.len(), self.app.data.rows.len())
    }
}
