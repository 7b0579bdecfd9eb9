// jemalloc: see Cargo.toml for why; not on MSVC, which it does not build for.
#[cfg(all(feature = "jemalloc", not(target_env = "msvc")))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() {
    std::process::exit(whosaid::run(std::env::args_os()));
}
