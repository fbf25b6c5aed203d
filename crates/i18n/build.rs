fn main() {
    // The Fluent files are compiled in; a new or changed file must rebuild the crate.
    println!("cargo:rerun-if-changed=locales");
}
