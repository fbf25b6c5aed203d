fn main() {
    let text = std::env::args().nth(1).unwrap();
    println!("{:#?}", zegel_detect::detect(&text));
}
