// ANCHOR: all
// ANCHOR: main
fn main() {
    println!("Hello, world!");
}
// ANCHOR_END: main
// ANCHOR_END: all
