fn main() {
    std::process::exit(whosaid::run(std::env::args_os()));
}
