//! The browser entry point. Trunk builds this binary for wasm32.

#[cfg(target_arch = "wasm32")]
fn main() {
    psynotes::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("Psynotes runs in the browser. Start it with `make run`.");
    std::process::exit(2);
}
